import type { JsonObject, Page, PageRequest } from '@tasksgodzilla/core';
import type {
  ActionResponse,
  BranchDeleteRequest,
  BranchDeleteResponse,
  BranchListResponse,
  CallOptions,
  ClientOptions,
  CodeMachineImportRequest,
  CodeMachineImportResponse,
  CodexRunCreate,
  CodexRunOut,
  ConsoleRunsParams,
  EventOut,
  GithubWebhookRequest,
  GitlabWebhookRequest,
  HealthOut,
  Id,
  Job,
  ListCodexRunsParams,
  ListEventsParams,
  ListQueueJobsParams,
  OnboardingSummary,
  PageParams,
  ProjectCreate,
  ProjectDiscoverRequest,
  ProjectIssueSettingsOut,
  ProjectIssueSettingsUpdate,
  ProtocolFromIssueRequest,
  ProtocolFromIssueResponse,
  ProjectOut,
  ProtocolRunCreate,
  ProtocolRunOut,
  ProtocolSpecOut,
  ProtocolUsageOut,
  QueueStats,
  SpecAuditRequest,
  StepAnswer,
  StepRunCreate,
  StepRunOut,
  StreamEventsParams,
  WebhookCreate,
  WebhookDeleteResponse,
  WebhookDeliveryOut,
  WebhookOut,
  WebhookUpdate,
} from './client.types.js';
import { streamEventsFrom } from './event-stream.js';
import {
  parseJson,
  pathSegments,
  resolveConfig,
  seg,
  send,
  type HttpConfig,
  type Query,
  type RequestSpec,
} from './http.js';
import { waitForJob, type WaitForJobOptions } from './job-wait.js';
import { iterate, toPage, type ListFn } from './pagination.js';
import { signWebhookBody, webhookBody } from './webhooks.js';

/** A request the typed methods do not cover (escape hatch; same auth, errors and timeout). */
export interface RawRequest {
  method: RequestSpec['method'];
  /** Path under the base url, e.g. `/protocols/7`. */
  path: string;
  query?: Query;
  json?: unknown;
}

/** One typed method per api endpoint. Every method takes optional CallOptions last. */
export interface TasksGodzillaClient {
  readonly baseUrl: string;

  // system
  /** `GET /health`; returns the body for 200 (`ok`) and 503 (`degraded`) alike. */
  health(options?: CallOptions): Promise<HealthOut>;
  /** `GET /metrics` (Prometheus text). */
  metrics(options?: CallOptions): Promise<string>;
  /** `GET /openapi.json`. */
  openapi(options?: CallOptions): Promise<JsonObject>;
  /** `GET /console/runs` (an HTML table of the job ledger). */
  consoleRuns(params?: ConsoleRunsParams, options?: CallOptions): Promise<string>;

  // projects
  listProjects(params?: PageParams, options?: CallOptions): Promise<Page<ProjectOut>>;
  createProject(body: ProjectCreate, options?: CallOptions): Promise<ProjectOut>;
  getProject(projectId: Id, options?: CallOptions): Promise<ProjectOut>;
  listBranches(projectId: Id, options?: CallOptions): Promise<BranchListResponse>;
  /** Deletes a remote branch; the api requires `{ confirm: true }`. */
  deleteBranch(
    projectId: Id,
    branch: string,
    body: BranchDeleteRequest,
    options?: CallOptions,
  ): Promise<BranchDeleteResponse>;
  createProtocol(projectId: Id, body: ProtocolRunCreate, options?: CallOptions): Promise<ProtocolRunOut>;
  listProtocols(projectId: Id, params?: PageParams, options?: CallOptions): Promise<Page<ProtocolRunOut>>;
  /** Opens (or finds) the run of a forge issue: `POST /projects/{id}/protocols/from-issue`. */
  createProtocolFromIssue(
    projectId: Id,
    body: ProtocolFromIssueRequest,
    options?: CallOptions,
  ): Promise<ProtocolFromIssueResponse>;
  getIssueSettings(projectId: Id, options?: CallOptions): Promise<ProjectIssueSettingsOut>;
  updateIssueSettings(
    projectId: Id,
    body: ProjectIssueSettingsUpdate,
    options?: CallOptions,
  ): Promise<ProjectIssueSettingsOut>;
  importCodeMachine(
    projectId: Id,
    body: CodeMachineImportRequest,
    options?: CallOptions,
  ): Promise<CodeMachineImportResponse>;
  getOnboarding(projectId: Id, options?: CallOptions): Promise<OnboardingSummary>;
  /** The project's outgoing webhooks, newest first. */
  listWebhooks(projectId: Id, params?: PageParams, options?: CallOptions): Promise<Page<WebhookOut>>;
  createWebhook(projectId: Id, body: WebhookCreate, options?: CallOptions): Promise<WebhookOut>;
  getWebhook(projectId: Id, webhookId: Id, options?: CallOptions): Promise<WebhookOut>;
  updateWebhook(projectId: Id, webhookId: Id, body: WebhookUpdate, options?: CallOptions): Promise<WebhookOut>;
  deleteWebhook(projectId: Id, webhookId: Id, options?: CallOptions): Promise<WebhookDeleteResponse>;
  /** A webhook's delivery log (status code, attempts, last error), newest first. */
  listWebhookDeliveries(
    projectId: Id,
    webhookId: Id,
    params?: PageParams,
    options?: CallOptions,
  ): Promise<Page<WebhookDeliveryOut>>;
  startOnboarding(projectId: Id, options?: CallOptions): Promise<ActionResponse>;
  /**
   * `POST /projects/{id}/actions/discover` (202): enqueues repository discovery on its own; a discovery
   * still queued is returned (`Discovery already queued`). 409 while one runs, while onboarding runs, or
   * without a local checkout. Wait for `job.job_id` with `waitForJob`.
   */
  discoverProject(projectId: Id, body?: ProjectDiscoverRequest, options?: CallOptions): Promise<ActionResponse>;

  // protocols
  getProtocol(protocolId: Id, options?: CallOptions): Promise<ProtocolRunOut>;
  getProtocolSpec(protocolId: Id, options?: CallOptions): Promise<ProtocolSpecOut>;
  getProtocolUsage(protocolId: Id, options?: CallOptions): Promise<ProtocolUsageOut>;
  startProtocol(protocolId: Id, options?: CallOptions): Promise<ActionResponse>;
  pauseProtocol(protocolId: Id, options?: CallOptions): Promise<ProtocolRunOut>;
  resumeProtocol(protocolId: Id, options?: CallOptions): Promise<ProtocolRunOut>;
  cancelProtocol(protocolId: Id, options?: CallOptions): Promise<ProtocolRunOut>;
  runNextStep(protocolId: Id, options?: CallOptions): Promise<ActionResponse>;
  retryLatest(protocolId: Id, options?: CallOptions): Promise<ActionResponse>;
  openPr(protocolId: Id, options?: CallOptions): Promise<ActionResponse>;
  createStep(protocolId: Id, body: StepRunCreate, options?: CallOptions): Promise<StepRunOut>;
  listSteps(protocolId: Id, params?: PageParams, options?: CallOptions): Promise<Page<StepRunOut>>;
  listProtocolEvents(protocolId: Id, params?: PageParams, options?: CallOptions): Promise<Page<EventOut>>;

  // steps
  getStep(stepId: Id, options?: CallOptions): Promise<StepRunOut>;
  /** `GET /steps/{id}/log`: the step's latest run log (text). */
  getStepLog(stepId: Id, options?: CallOptions): Promise<string>;
  /** `GET /steps/{id}/diff`: the patch of the step's commit (text). */
  getStepDiff(stepId: Id, options?: CallOptions): Promise<string>;
  runStep(stepId: Id, options?: CallOptions): Promise<ActionResponse>;
  runStepQa(stepId: Id, options?: CallOptions): Promise<ActionResponse>;
  approveStep(stepId: Id, options?: CallOptions): Promise<StepRunOut>;
  /** `POST /steps/{id}/answer`: answers a `needs_input` step's question; the step is re-queued (409 when it is not waiting). */
  answerStep(stepId: Id, answer: string, options?: CallOptions): Promise<ActionResponse>;

  // events
  listEvents(params?: ListEventsParams, options?: CallOptions): Promise<Page<EventOut>>;
  /** `GET /events/stream` (server-sent events), reconnecting with `Last-Event-ID`. */
  streamEvents(params?: StreamEventsParams): AsyncIterable<EventOut>;

  // queues
  /** `GET /queues`: counts per queue and status. */
  queueStats(options?: CallOptions): Promise<QueueStats>;
  /** Alias of queueStats(). */
  listQueues(options?: CallOptions): Promise<QueueStats>;
  listQueueJobs(params?: ListQueueJobsParams, options?: CallOptions): Promise<Page<Job>>;
  /** `POST /queues/jobs/{id}/retry`: re-enqueues a dead-lettered (or failed) job. */
  retryJob(jobId: string, options?: CallOptions): Promise<ActionResponse>;
  /** `POST /queues/jobs/{id}/cancel`: cancels a queued or running job. */
  cancelJob(jobId: string, options?: CallOptions): Promise<ActionResponse>;

  // job ledger (the original's codex runs)
  listCodexRuns(params?: ListCodexRunsParams, options?: CallOptions): Promise<Page<CodexRunOut>>;
  startCodexRun(body: CodexRunCreate, options?: CallOptions): Promise<CodexRunOut>;
  getCodexRun(runId: string, options?: CallOptions): Promise<CodexRunOut>;
  /** Polls `getCodexRun` until the job is succeeded, failed or cancelled; returns that last read. */
  waitForJob(runId: string, options?: WaitForJobOptions, call?: CallOptions): Promise<CodexRunOut>;
  getCodexRunLogs(runId: string, options?: CallOptions): Promise<string>;
  auditSpecs(body: SpecAuditRequest, options?: CallOptions): Promise<ActionResponse>;

  // webhooks (sent as GitHub/GitLab would: raw JSON body, provider headers, no bearer by default)
  sendGithubWebhook(request: GithubWebhookRequest, options?: CallOptions): Promise<ActionResponse>;
  sendGitlabWebhook(request: GitlabWebhookRequest, options?: CallOptions): Promise<ActionResponse>;

  // helpers
  /** Walks all pages of a list method: `client.iterate((p) => client.listSteps(7, p))`. */
  iterate<T, P extends PageRequest>(listFn: ListFn<T, P>, params?: P): AsyncGenerator<T, void, undefined>;
  /** Any other request, parsed as JSON. */
  request<T = unknown>(request: RawRequest, options?: CallOptions): Promise<T>;
}

const TEXT_ACCEPT = 'text/plain, */*';

/** Creates the client. No request is made until a method is called. */
export function createClient(options: ClientOptions): TasksGodzillaClient {
  const config: HttpConfig = resolveConfig(options);

  const json = async <T>(spec: RequestSpec, call?: CallOptions): Promise<T> =>
    parseJson<T>(await send(config, spec, call), spec.method, spec.path);
  const text = async (spec: RequestSpec, call?: CallOptions): Promise<string> =>
    (await send(config, { accept: TEXT_ACCEPT, ...spec }, call)).text;
  const page = async <T>(path: string, query: Query, call?: CallOptions): Promise<Page<T>> => {
    const result = await send(config, { method: 'GET', path, query }, call);
    return toPage<T>(parseJson<unknown>(result, 'GET', path), result.response.headers);
  };
  const get = <T>(path: string, call?: CallOptions, query?: Query) => json<T>({ method: 'GET', path, query }, call);
  const post = <T>(path: string, body: unknown, call?: CallOptions) =>
    json<T>({ method: 'POST', path, json: body }, call);
  const pageQuery = (params: PageParams | undefined): Query => ({ limit: params?.limit, cursor: params?.cursor });
  /** POSTs a webhook's raw body as its provider would: the provider's headers, the caller's on top. */
  const webhook = (
    path: string,
    request: Pick<GithubWebhookRequest, 'protocol_run_id' | 'include_auth'>,
    body: string,
    headers: Record<string, string>,
    call?: CallOptions,
  ) =>
    json<ActionResponse>(
      {
        method: 'POST',
        path,
        query: { protocol_run_id: request.protocol_run_id },
        rawBody: body,
        auth: request.include_auth ?? false,
      },
      { ...call, headers: { ...headers, ...(call?.headers ?? {}) } },
    );

  const projectPath = (id: Id) => `/projects/${seg(id)}`;
  const protocolPath = (id: Id) => `/protocols/${seg(id)}`;
  const stepPath = (id: Id) => `/steps/${seg(id)}`;
  const webhookPath = (id: Id, webhookId: Id) => `${projectPath(id)}/webhooks/${seg(webhookId)}`;

  return {
    baseUrl: config.baseUrl,

    health: (call) => json<HealthOut>({ method: 'GET', path: '/health', okStatuses: [503] }, call),
    metrics: (call) => text({ method: 'GET', path: '/metrics' }, call),
    openapi: (call) => get<JsonObject>('/openapi.json', call),
    consoleRuns: (params, call) =>
      text({ method: 'GET', path: '/console/runs', query: { limit: params?.limit }, accept: 'text/html' }, call),

    listProjects: (params, call) => page<ProjectOut>('/projects', pageQuery(params), call),
    createProject: (body, call) => post<ProjectOut>('/projects', body, call),
    getProject: (id, call) => get<ProjectOut>(projectPath(id), call),
    listBranches: (id, call) => get<BranchListResponse>(`${projectPath(id)}/branches`, call),
    deleteBranch: (id, branch, body, call) =>
      post<BranchDeleteResponse>(`${projectPath(id)}/branches/${pathSegments(branch)}/delete`, body, call),
    createProtocol: (id, body, call) => post<ProtocolRunOut>(`${projectPath(id)}/protocols`, body, call),
    listProtocols: (id, params, call) => page<ProtocolRunOut>(`${projectPath(id)}/protocols`, pageQuery(params), call),
    createProtocolFromIssue: (id, body, call) =>
      post<ProtocolFromIssueResponse>(`${projectPath(id)}/protocols/from-issue`, body, call),
    getIssueSettings: (id, call) => get<ProjectIssueSettingsOut>(`${projectPath(id)}/issue-settings`, call),
    updateIssueSettings: (id, body, call) =>
      json<ProjectIssueSettingsOut>({ method: 'PUT', path: `${projectPath(id)}/issue-settings`, json: body }, call),
    importCodeMachine: (id, body, call) =>
      post<CodeMachineImportResponse>(`${projectPath(id)}/codemachine/import`, body, call),
    getOnboarding: (id, call) => get<OnboardingSummary>(`${projectPath(id)}/onboarding`, call),
    listWebhooks: (id, params, call) => page<WebhookOut>(`${projectPath(id)}/webhooks`, pageQuery(params), call),
    createWebhook: (id, body, call) => post<WebhookOut>(`${projectPath(id)}/webhooks`, body, call),
    getWebhook: (id, webhookId, call) => get<WebhookOut>(webhookPath(id, webhookId), call),
    updateWebhook: (id, webhookId, body, call) =>
      json<WebhookOut>({ method: 'PUT', path: webhookPath(id, webhookId), json: body }, call),
    deleteWebhook: (id, webhookId, call) =>
      json<WebhookDeleteResponse>({ method: 'DELETE', path: webhookPath(id, webhookId) }, call),
    listWebhookDeliveries: (id, webhookId, params, call) =>
      page<WebhookDeliveryOut>(`${webhookPath(id, webhookId)}/deliveries`, pageQuery(params), call),
    startOnboarding: (id, call) => post<ActionResponse>(`${projectPath(id)}/onboarding/actions/start`, undefined, call),
    discoverProject: (id, body, call) => post<ActionResponse>(`${projectPath(id)}/actions/discover`, body ?? {}, call),

    getProtocol: (id, call) => get<ProtocolRunOut>(protocolPath(id), call),
    getProtocolSpec: (id, call) => get<ProtocolSpecOut>(`${protocolPath(id)}/spec`, call),
    getProtocolUsage: (id, call) => get<ProtocolUsageOut>(`${protocolPath(id)}/usage`, call),
    startProtocol: (id, call) => post<ActionResponse>(`${protocolPath(id)}/actions/start`, undefined, call),
    pauseProtocol: (id, call) => post<ProtocolRunOut>(`${protocolPath(id)}/actions/pause`, undefined, call),
    resumeProtocol: (id, call) => post<ProtocolRunOut>(`${protocolPath(id)}/actions/resume`, undefined, call),
    cancelProtocol: (id, call) => post<ProtocolRunOut>(`${protocolPath(id)}/actions/cancel`, undefined, call),
    runNextStep: (id, call) => post<ActionResponse>(`${protocolPath(id)}/actions/run_next_step`, undefined, call),
    retryLatest: (id, call) => post<ActionResponse>(`${protocolPath(id)}/actions/retry_latest`, undefined, call),
    openPr: (id, call) => post<ActionResponse>(`${protocolPath(id)}/actions/open_pr`, undefined, call),
    createStep: (id, body, call) => post<StepRunOut>(`${protocolPath(id)}/steps`, body, call),
    listSteps: (id, params, call) => page<StepRunOut>(`${protocolPath(id)}/steps`, pageQuery(params), call),
    listProtocolEvents: (id, params, call) => page<EventOut>(`${protocolPath(id)}/events`, pageQuery(params), call),

    getStep: (id, call) => get<StepRunOut>(stepPath(id), call),
    getStepLog: (id, call) => text({ method: 'GET', path: `${stepPath(id)}/log` }, call),
    getStepDiff: (id, call) => text({ method: 'GET', path: `${stepPath(id)}/diff` }, call),
    runStep: (id, call) => post<ActionResponse>(`${stepPath(id)}/actions/run`, undefined, call),
    runStepQa: (id, call) => post<ActionResponse>(`${stepPath(id)}/actions/run_qa`, undefined, call),
    approveStep: (id, call) => post<StepRunOut>(`${stepPath(id)}/actions/approve`, undefined, call),
    answerStep: (id, answer, call) =>
      post<ActionResponse>(`${stepPath(id)}/answer`, { answer } satisfies StepAnswer, call),

    listEvents: (params, call) =>
      page<EventOut>(
        '/events',
        {
          ...pageQuery(params),
          project_id: params?.project_id,
          protocol_run_id: params?.protocol_run_id,
          kind: params?.kind,
        },
        call,
      ),
    streamEvents: (params) => streamEventsFrom(config, params),

    queueStats: (call) => get<QueueStats>('/queues', call),
    listQueues: (call) => get<QueueStats>('/queues', call),
    listQueueJobs: (params, call) => page<Job>('/queues/jobs', { ...pageQuery(params), status: params?.status }, call),
    retryJob: (jobId, call) => post<ActionResponse>(`/queues/jobs/${seg(jobId)}/retry`, undefined, call),
    cancelJob: (jobId, call) => post<ActionResponse>(`/queues/jobs/${seg(jobId)}/cancel`, undefined, call),

    listCodexRuns: (params, call) =>
      page<CodexRunOut>(
        '/codex/runs',
        { ...pageQuery(params), job_type: params?.job_type, status: params?.status },
        call,
      ),
    startCodexRun: (body, call) => post<CodexRunOut>('/codex/runs/start', body, call),
    getCodexRun: (runId, call) => get<CodexRunOut>(`/codex/runs/${seg(runId)}`, call),
    waitForJob: (runId, options = {}, call = {}) =>
      waitForJob(
        (id) => get<CodexRunOut>(`/codex/runs/${seg(id)}`, options.signal ? { signal: options.signal, ...call } : call),
        runId,
        options,
      ),
    getCodexRunLogs: (runId, call) => text({ method: 'GET', path: `/codex/runs/${seg(runId)}/logs` }, call),
    auditSpecs: (body, call) => post<ActionResponse>('/specs/audit', body, call),

    sendGithubWebhook: async (request, call) => {
      const body = webhookBody(request);
      const headers: Record<string, string> = { 'X-GitHub-Event': request.event };
      const signature =
        request.signature ?? (request.secret !== undefined ? await signWebhookBody(request.secret, body) : undefined);
      if (signature !== undefined) headers['X-Hub-Signature-256'] = signature;
      if (request.delivery_id) headers['X-GitHub-Delivery'] = request.delivery_id;
      return webhook('/webhooks/github', request, body, headers, call);
    },
    sendGitlabWebhook: async (request, call) => {
      const body = webhookBody(request);
      const headers: Record<string, string> = { 'X-Gitlab-Event': request.event };
      if (request.token !== undefined) headers['X-Gitlab-Token'] = request.token;
      if (request.secret !== undefined) headers['X-Gitlab-Signature-256'] = await signWebhookBody(request.secret, body);
      return webhook('/webhooks/gitlab', request, body, headers, call);
    },

    iterate,
    request: (request, call) =>
      json({ method: request.method, path: request.path, query: request.query, json: request.json }, call),
  };
}
