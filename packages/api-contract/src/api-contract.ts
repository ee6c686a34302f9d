import { z } from 'zod';
import { defineContract, defineRoute } from './contract.js';
import * as s from './contract.schemas.js';
import * as issues from './issue.schemas.js';
import * as n from './notification.schemas.js';

const TEXT = ['text/plain'] as const;
const HTML = ['text/html'] as const;
const E = s.ErrorBody;

const protocolAction = <const Out extends z.ZodType>(path: string, summary: string, out: Out) =>
  defineRoute({
    method: 'POST',
    path: `/protocols/:id/actions/${path}`,
    tags: ['protocols'],
    summary,
    params: s.ProtocolParams,
    responses: { 200: out, 404: E, 409: E },
  });

const stepAction = (path: string, summary: string) =>
  defineRoute({
    method: 'POST',
    path: `/steps/:step_id/actions/${path}`,
    tags: ['steps'],
    summary,
    params: s.StepParams,
    responses: { 200: s.ActionResponse, 404: E, 409: E },
  });

const webhook = (provider: 'github' | 'gitlab', summary: string) =>
  defineRoute({
    method: 'POST',
    path: `/webhooks/${provider}`,
    tags: ['webhooks'],
    summary,
    query: s.WebhookQuery,
    responses: { 200: s.ActionResponse, 400: E, 401: E, 404: E, 422: E },
  });

/**
 * Every endpoint of the api, once. The server registers its routes from it (and the OpenAPI document
 * with them); the client and the UIs take their types from it; the api's tests check every answer.
 */
export const apiContract = defineContract({
  // ---- system and console ----
  health: defineRoute({
    method: 'GET',
    path: '/health',
    tags: ['system'],
    summary: 'Database and queue reachability: 200 ok, 503 degraded',
    responses: { 200: s.HealthOut, 503: s.HealthOut },
  }),
  metrics: defineRoute({
    method: 'GET',
    path: '/metrics',
    tags: ['system'],
    summary: 'Prometheus exposition',
    responses: {},
    produces: TEXT,
  }),
  openApi: defineRoute({
    method: 'GET',
    path: '/openapi.json',
    tags: ['system'],
    summary: 'This document',
    responses: { 200: s.OpenApiDocument },
    hide: true,
  }),
  consoleRoot: defineRoute({
    method: 'GET',
    path: '/',
    tags: ['console'],
    summary: 'The web console',
    responses: {},
    produces: HTML,
  }),
  consolePage: defineRoute({
    method: 'GET',
    path: '/console',
    tags: ['console'],
    summary: 'The web console',
    responses: {},
    produces: HTML,
  }),
  consoleAsset: defineRoute({
    method: 'GET',
    path: '/console/static/*',
    tags: ['console'],
    summary: 'Console assets',
    params: s.WildcardParams,
    responses: {},
  }),
  consoleRuns: defineRoute({
    method: 'GET',
    path: '/console/runs',
    tags: ['codex runs'],
    summary: 'An HTML table of the newest runs',
    query: s.ConsoleRunsQuery,
    responses: {},
    produces: HTML,
  }),

  // ---- projects ----
  createProject: defineRoute({
    method: 'POST',
    path: '/projects',
    tags: ['projects'],
    summary: 'Create a project and enqueue its onboarding',
    body: s.ProjectCreate,
    responses: { 200: s.ProjectOut, 422: E },
  }),
  listProjects: defineRoute({
    method: 'GET',
    path: '/projects',
    tags: ['projects'],
    summary: 'List projects, newest first',
    query: s.PageQuery,
    responses: { 200: z.array(s.ProjectOut) },
  }),
  getProject: defineRoute({
    method: 'GET',
    path: '/projects/:project_id',
    tags: ['projects'],
    summary: 'Get a project',
    params: s.ProjectParams,
    responses: { 200: s.ProjectOut, 404: E },
  }),
  listBranches: defineRoute({
    method: 'GET',
    path: '/projects/:project_id/branches',
    tags: ['projects'],
    summary: "List the branches of the project's origin",
    params: s.ProjectParams,
    responses: { 200: s.BranchListResponse, 409: E },
  }),
  deleteBranch: defineRoute({
    method: 'POST',
    path: '/projects/:project_id/branches/*',
    tags: ['projects'],
    summary: 'Delete a branch on origin: POST /projects/{project_id}/branches/{branch}/delete with {"confirm": true}',
    params: s.BranchParams,
    body: s.BranchDeleteRequest,
    responses: { 200: s.BranchDeleteResponse, 400: E, 404: E, 409: E },
  }),
  listProjectWebhooks: defineRoute({
    method: 'GET',
    path: '/projects/:project_id/webhooks',
    tags: ['notifications'],
    summary: "List the project's outgoing webhooks, newest first (secrets redacted)",
    params: s.ProjectParams,
    query: s.PageQuery,
    responses: { 200: z.array(n.WebhookOut), 404: E },
  }),
  createProjectWebhook: defineRoute({
    method: 'POST',
    path: '/projects/:project_id/webhooks',
    tags: ['notifications'],
    summary: 'Add an outgoing webhook: events matching its filter are POSTed to its URL, signed with its secret',
    params: s.ProjectParams,
    body: n.WebhookCreate,
    responses: { 200: n.WebhookOut, 404: E, 422: E },
  }),
  getProjectWebhook: defineRoute({
    method: 'GET',
    path: '/projects/:project_id/webhooks/:webhook_id',
    tags: ['notifications'],
    summary: "Get one of the project's webhooks (secret redacted)",
    params: n.WebhookParams,
    responses: { 200: n.WebhookOut, 404: E },
  }),
  updateProjectWebhook: defineRoute({
    method: 'PUT',
    path: '/projects/:project_id/webhooks/:webhook_id',
    tags: ['notifications'],
    summary: 'Change a webhook: the fields given are set, the others kept',
    params: n.WebhookParams,
    body: n.WebhookUpdate,
    responses: { 200: n.WebhookOut, 404: E, 422: E },
  }),
  deleteProjectWebhook: defineRoute({
    method: 'DELETE',
    path: '/projects/:project_id/webhooks/:webhook_id',
    tags: ['notifications'],
    summary: 'Remove a webhook and its delivery log',
    params: n.WebhookParams,
    responses: { 200: n.WebhookDeleteResponse, 404: E },
  }),
  listWebhookDeliveries: defineRoute({
    method: 'GET',
    path: '/projects/:project_id/webhooks/:webhook_id/deliveries',
    tags: ['notifications'],
    summary: "A webhook's delivery log, newest first: status, attempts, last status code and error",
    params: n.WebhookParams,
    query: s.PageQuery,
    responses: { 200: z.array(n.WebhookDeliveryOut), 404: E },
  }),
  createProtocolRun: defineRoute({
    method: 'POST',
    path: '/projects/:project_id/protocols',
    tags: ['projects'],
    summary: 'Create a protocol run (pending); optionally from a template folder and with auto_advance',
    params: s.ProjectParams,
    body: s.ProtocolRunCreate,
    responses: { 200: s.ProtocolRunOut, 404: E, 409: E, 422: E },
  }),
  listProtocolRuns: defineRoute({
    method: 'GET',
    path: '/projects/:project_id/protocols',
    tags: ['projects'],
    summary: "List a project's protocol runs, newest first",
    params: s.ProjectParams,
    query: s.PageQuery,
    responses: { 200: z.array(s.ProtocolRunOut) },
  }),
  importCodeMachine: defineRoute({
    method: 'POST',
    path: '/projects/:project_id/codemachine/import',
    tags: ['projects'],
    summary: 'Import a CodeMachine workspace as a protocol run (now, or in a job with enqueue=true)',
    params: s.ProjectParams,
    body: s.CodeMachineImportRequest,
    responses: { 200: s.CodeMachineImportResponse, 404: E, 409: E, 422: E },
  }),
  getOnboarding: defineRoute({
    method: 'GET',
    path: '/projects/:project_id/onboarding',
    tags: ['projects'],
    summary: "The project's onboarding stages and events",
    params: s.ProjectParams,
    responses: { 200: s.OnboardingSummary, 404: E },
  }),
  startOnboarding: defineRoute({
    method: 'POST',
    path: '/projects/:project_id/onboarding/actions/start',
    tags: ['projects'],
    summary: 'Start (or restart) onboarding',
    params: s.ProjectParams,
    responses: { 200: s.ActionResponse, 404: E, 409: E },
  }),

  discoverProject: defineRoute({
    method: 'POST',
    path: '/projects/:project_id/actions/discover',
    tags: ['projects'],
    summary:
      "Enqueue repository discovery on its own (notes under tasksgodzilla/ in the project's checkout); a discovery still queued is returned",
    params: s.ProjectParams,
    body: s.ProjectDiscoverRequest,
    responses: { 202: s.ActionResponse, 404: E, 409: E, 422: E },
  }),

  // ---- protocol runs ----
  getProtocol: defineRoute({
    method: 'GET',
    path: '/protocols/:id',
    tags: ['protocols'],
    summary: 'Get a protocol run',
    params: s.ProtocolParams,
    responses: { 200: s.ProtocolRunOut, 404: E },
  }),
  getProtocolSpec: defineRoute({
    method: 'GET',
    path: '/protocols/:id/spec',
    tags: ['protocols'],
    summary: "The run's protocol spec and its validation",
    params: s.ProtocolParams,
    responses: { 200: s.ProtocolSpecOut, 404: E },
  }),
  getProtocolUsage: defineRoute({
    method: 'GET',
    path: '/protocols/:id/usage',
    tags: ['protocols'],
    summary: 'Tokens and cost of the run, by phase, model and step',
    params: s.ProtocolParams,
    responses: { 200: s.ProtocolUsageOut, 404: E },
  }),
  startProtocol: defineRoute({
    ...protocolAction('start', 'Plan the run (pending → planning)', s.ActionResponse),
    query: s.StartProtocolQuery,
  }),
  pauseProtocol: protocolAction('pause', 'Pause the run', s.ProtocolRunOut),
  resumeProtocol: protocolAction('resume', 'Resume a paused run', s.ProtocolRunOut),
  cancelProtocol: protocolAction('cancel', 'Cancel the run, its open steps and jobs', s.ProtocolRunOut),
  runNextStep: protocolAction('run_next_step', 'Run the first pending, blocked or failed step', s.ActionResponse),
  retryLatest: protocolAction('retry_latest', 'Retry the last failed or blocked step', s.ActionResponse),
  openPr: protocolAction('open_pr', 'Push the branch and open the PR/MR', s.ActionResponse),
  createStep: defineRoute({
    method: 'POST',
    path: '/protocols/:id/steps',
    tags: ['protocols'],
    summary: 'Add a step run',
    params: s.ProtocolParams,
    body: s.StepRunCreate,
    responses: { 200: s.StepRunOut, 404: E, 409: E, 422: E },
  }),
  listSteps: defineRoute({
    method: 'GET',
    path: '/protocols/:id/steps',
    tags: ['protocols'],
    summary: 'Steps by index',
    params: s.ProtocolParams,
    query: s.PageQuery,
    responses: { 200: z.array(s.StepRunOut), 404: E },
  }),
  listProtocolEvents: defineRoute({
    method: 'GET',
    path: '/protocols/:id/events',
    tags: ['protocols'],
    summary: "The run's events, newest first",
    params: s.ProtocolParams,
    query: s.PageQuery,
    responses: { 200: z.array(s.EventOut), 404: E },
  }),

  // ---- steps ----
  getStep: defineRoute({
    method: 'GET',
    path: '/steps/:step_id',
    tags: ['steps'],
    summary: 'Get a step run',
    params: s.StepParams,
    responses: { 200: s.StepRunOut, 404: E },
  }),
  getStepLog: defineRoute({
    method: 'GET',
    path: '/steps/:step_id/log',
    tags: ['steps'],
    summary: "The log of the step's newest job (execution or QA), as text",
    params: s.StepParams,
    responses: {},
    produces: TEXT,
  }),
  getStepDiff: defineRoute({
    method: 'GET',
    path: '/steps/:step_id/diff',
    tags: ['steps'],
    summary: "The patch of the step's newest commit, as text",
    params: s.StepParams,
    responses: {},
    produces: TEXT,
  }),
  runStep: stepAction('run', 'Execute the step'),
  runStepQa: stepAction('run_qa', 'Run QA on the step'),
  approveStep: defineRoute({
    method: 'POST',
    path: '/steps/:step_id/actions/approve',
    tags: ['steps'],
    summary: 'Mark the step completed by hand',
    params: s.StepParams,
    responses: { 200: s.StepRunOut, 404: E, 409: E },
  }),
  answerStep: defineRoute({
    method: 'POST',
    path: '/steps/:step_id/answer',
    tags: ['steps'],
    summary: 'Answer the question of a needs_input step; the step runs again with the answer in its prompt',
    params: s.StepParams,
    body: s.StepAnswer,
    responses: { 200: s.ActionResponse, 404: E, 409: E, 422: E },
  }),

  // ---- events ----
  listEvents: defineRoute({
    method: 'GET',
    path: '/events',
    tags: ['events'],
    summary: 'Recent events across runs, newest first, with protocol and project names',
    query: s.EventsQuery,
    responses: { 200: z.array(s.EventOut), 404: E },
  }),
  streamEvents: defineRoute({
    method: 'GET',
    path: '/events/stream',
    tags: ['events'],
    summary:
      'Server-sent events (`id:`, `event:`, `data:` EventOut JSON); resume with Last-Event-ID or ?last_event_id=',
    query: s.EventStreamQuery,
    responses: { 404: E },
    produces: ['text/event-stream'],
  }),

  // ---- queues ----
  queueStats: defineRoute({
    method: 'GET',
    path: '/queues',
    tags: ['queues'],
    summary: "Job counts per queue and status, from the ledger (a project token counts only its projects' jobs)",
    responses: { 200: s.QueueStats },
  }),
  listQueueJobs: defineRoute({
    method: 'GET',
    path: '/queues/jobs',
    tags: ['queues'],
    summary: 'Jobs, newest first (`started`/`finished` read as running/succeeded)',
    query: s.QueueJobsQuery,
    responses: { 200: z.array(s.JobOut) },
  }),
  retryJob: defineRoute({
    method: 'POST',
    path: '/queues/jobs/:job_id/retry',
    tags: ['queues'],
    summary: 'Re-enqueue a failed (dead-lettered) or cancelled job',
    params: s.JobParams,
    responses: { 200: s.ActionResponse, 404: E, 409: E },
  }),
  cancelJob: defineRoute({
    method: 'POST',
    path: '/queues/jobs/:job_id/cancel',
    tags: ['queues'],
    summary: 'Cancel a queued job, or ask a running one to stop',
    params: s.JobParams,
    responses: { 200: s.ActionResponse, 404: E, 409: E },
  }),

  // ---- codex runs (the job ledger) ----
  listCodexRuns: defineRoute({
    method: 'GET',
    path: '/codex/runs',
    tags: ['codex runs'],
    summary: 'The job ledger, newest first',
    query: s.CodexRunsQuery,
    responses: { 200: z.array(s.CodexRunOut) },
  }),
  startCodexRun: defineRoute({
    method: 'POST',
    path: '/codex/runs/start',
    tags: ['codex runs'],
    summary: 'Register (or restart) a run started outside the queue; its log lives in the runs folder',
    body: s.CodexRunCreate,
    responses: { 200: s.CodexRunOut, 409: E, 422: E },
  }),
  getCodexRun: defineRoute({
    method: 'GET',
    path: '/codex/runs/:run_id',
    tags: ['codex runs'],
    summary: 'One run of the ledger',
    params: s.RunParams,
    responses: { 200: s.CodexRunOut, 404: E },
  }),
  getCodexRunLog: defineRoute({
    method: 'GET',
    path: '/codex/runs/:run_id/logs',
    tags: ['codex runs'],
    summary: "The run's log file, as text (only inside the runs folder)",
    params: s.RunParams,
    responses: {},
    produces: TEXT,
  }),

  // ---- MCP (Model Context Protocol over Streamable HTTP, stateless: POST only) ----
  mcp: defineRoute({
    method: 'POST',
    path: '/mcp',
    tags: ['mcp'],
    summary: 'MCP JSON-RPC messages in, JSON answers out (202 for notifications only); the tools call this api',
    responses: {
      200: s.JsonRpcAnswer,
      400: z.union([s.JsonRpcErrorAnswer, E]),
      406: s.JsonRpcErrorAnswer,
      415: z.union([s.JsonRpcErrorAnswer, E]),
    },
    hide: true,
  }),
  mcpStream: defineRoute({
    method: 'GET',
    path: '/mcp',
    tags: ['mcp'],
    summary: 'No server-sent stream (stateless server): 405',
    responses: { 405: s.JsonRpcErrorAnswer },
    hide: true,
  }),
  mcpEndSession: defineRoute({
    method: 'DELETE',
    path: '/mcp',
    tags: ['mcp'],
    summary: 'No sessions (stateless server): 405',
    responses: { 405: s.JsonRpcErrorAnswer },
    hide: true,
  }),

  // ---- specs and webhooks ----
  auditSpecs: defineRoute({
    method: 'POST',
    path: '/specs/audit',
    tags: ['specs'],
    summary: 'Enqueue a spec audit of one run, one project, or everything (with a project token: its project)',
    body: s.SpecAuditRequest,
    responses: { 200: s.ActionResponse, 404: E, 422: E },
  }),
  // ---- issues in ----
  createProtocolFromIssue: defineRoute({
    method: 'POST',
    path: '/projects/:project_id/protocols/from-issue',
    tags: ['protocols'],
    summary: 'Open (or find) the protocol run of a forge issue, read through the forge API',
    params: s.ProjectParams,
    body: issues.ProtocolFromIssueRequest,
    responses: { 200: issues.ProtocolFromIssueResponse, 404: E, 409: E, 422: E, 502: E },
  }),
  getIssueSettings: defineRoute({
    method: 'GET',
    path: '/projects/:project_id/issue-settings',
    tags: ['projects'],
    summary: "The project's issue settings (label, auto_start, auto_advance, template)",
    params: s.ProjectParams,
    responses: { 200: issues.ProjectIssueSettingsOut, 404: E },
  }),
  updateIssueSettings: defineRoute({
    method: 'PUT',
    path: '/projects/:project_id/issue-settings',
    tags: ['projects'],
    summary: "Change the project's issue settings (absent keys are kept)",
    params: s.ProjectParams,
    body: issues.ProjectIssueSettingsUpdate,
    responses: { 200: issues.ProjectIssueSettingsOut, 404: E, 422: E },
  }),
  githubWebhook: webhook(
    'github',
    'GitHub delivery (X-GitHub-Event; X-Hub-Signature-256 when a webhook secret is set)',
  ),
  gitlabWebhook: webhook(
    'gitlab',
    'GitLab delivery (X-Gitlab-Event; X-Gitlab-Token when a webhook secret is set, optional X-Gitlab-Signature-256)',
  ),
});

export type ApiContract = typeof apiContract;
