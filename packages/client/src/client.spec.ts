import { createClient, type TasksGodzillaClient } from './client.js';
import type { ActionResponse, Job, ProjectOut, ProtocolRunOut } from './client.types.js';
import { startFakeServer, type FakeServer, type RecordedRequest } from './fake-server.test-helpers.js';

const JOB: Job = {
  job_id: 'a3c2',
  job_type: 'plan_protocol_job',
  payload: { protocol_run_id: 7, job_id: 'a3c2' },
  status: 'queued',
  queue: 'default',
  created_at: '2026-11-27T17:00:00.000Z',
  attempts: 0,
  max_attempts: 3,
  next_run_at: '2026-11-27T17:00:00.000Z',
  started_at: null,
  ended_at: null,
  result: null,
  error: null,
  meta: {},
};

const PROJECT: ProjectOut = {
  id: 3,
  name: 'demo',
  git_url: 'https://example.invalid/demo.git',
  base_branch: 'main',
  local_path: null,
  ci_provider: 'github',
  secrets: { api_token: '***' },
  default_models: null,
  created_at: '2026-11-27T17:00:00.000Z',
  updated_at: '2026-11-27T17:00:00.000Z',
};

const RUN: ProtocolRunOut = {
  id: 7,
  project_id: 3,
  protocol_name: '0001-demo',
  status: 'paused',
  base_branch: 'main',
  branch_name: '0001-demo',
  worktree_path: null,
  protocol_root: null,
  description: null,
  template_config: null,
  template_source: null,
  auto_advance: false,
  created_at: '2026-11-27T17:00:00.000Z',
  updated_at: '2026-11-27T17:00:00.000Z',
  spec_hash: null,
  spec_validation_status: null,
  spec_validated_at: null,
};

describe('createClient requests', () => {
  let server: FakeServer;
  let client: TasksGodzillaClient;
  const last = (): RecordedRequest => server.requests[server.requests.length - 1]!;

  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.setHandler(() => ({ body: {} }));
    client = createClient({ baseUrl: `${server.url}/`, token: 'secret-token', projectToken: 'proj-token' });
  });

  it('POSTs a JSON body with bearer, project token and request id headers', async () => {
    server.setHandler(() => ({ body: PROJECT, headers: { 'X-Request-ID': 'req-1' } }));
    const created = await client.createProject(
      { name: 'demo', git_url: 'https://example.invalid/demo.git', secrets: { api_token: 'x' } },
      { requestId: 'req-1' },
    );
    expect(created.secrets).toEqual({ api_token: '***' });
    const req = last();
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/projects');
    expect(JSON.parse(req.body)).toEqual({
      name: 'demo',
      git_url: 'https://example.invalid/demo.git',
      secrets: { api_token: 'x' },
    });
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['accept']).toBe('application/json');
    expect(req.headers['authorization']).toBe('Bearer secret-token');
    expect(req.headers['x-project-token']).toBe('proj-token');
    expect(req.headers['x-request-id']).toBe('req-1');
  });

  it('sends action POSTs without a body or content type and returns the ActionResponse', async () => {
    server.setHandler(() => ({ body: { message: 'Protocol planning enqueued', job: JOB } satisfies ActionResponse }));
    const res = await client.startProtocol(7);
    expect(res.job?.job_type).toBe('plan_protocol_job');
    const req = last();
    expect([req.method, req.path, req.body]).toEqual(['POST', '/protocols/7/actions/start', '']);
    expect(req.headers['content-type']).toBeUndefined();
  });

  it('returns the run from pause/resume/cancel', async () => {
    server.setHandler(() => ({ body: RUN }));
    await expect(client.pauseProtocol('7')).resolves.toMatchObject({
      id: 7,
      status: 'paused',
      branch_name: '0001-demo',
    });
    expect(last().path).toBe('/protocols/7/actions/pause');
  });

  it('reads list pages: array body plus X-Next-Cursor, null cursor on the last page', async () => {
    server.setHandler((req) =>
      req.query['cursor'] ? { body: [RUN] } : { body: [RUN, RUN], headers: { 'X-Next-Cursor': 'c2' } },
    );
    const first = await client.listProtocols(3, { limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.next_cursor).toBe('c2');
    expect(last().path).toBe('/projects/3/protocols');
    expect(last().query).toEqual({ limit: '2' });
    const second = await client.listProtocols(3, { limit: 2, cursor: first.next_cursor });
    expect(second).toEqual({ items: [RUN], next_cursor: null });
    expect(last().query).toEqual({ limit: '2', cursor: 'c2' });
  });

  it('calls the webhook routes of a project with their methods, bodies and pages', async () => {
    server.setHandler((req) =>
      req.method === 'GET' && req.path.endsWith('/deliveries')
        ? { body: [], headers: { 'X-Next-Cursor': 'd2' } }
        : { body: { ok: true } },
    );
    await client.createWebhook(3, { url: 'http://127.0.0.1:9/h', secret: 's', event_filter: ['completed'] });
    expect([last().method, last().path, JSON.parse(last().body)]).toEqual([
      'POST',
      '/projects/3/webhooks',
      { url: 'http://127.0.0.1:9/h', secret: 's', event_filter: ['completed'] },
    ]);
    await client.updateWebhook(3, 5, { enabled: false });
    expect([last().method, last().path, JSON.parse(last().body)]).toEqual([
      'PUT',
      '/projects/3/webhooks/5',
      { enabled: false },
    ]);
    await client.getWebhook(3, 5);
    expect([last().method, last().path]).toEqual(['GET', '/projects/3/webhooks/5']);
    await client.deleteWebhook(3, 5);
    expect([last().method, last().path]).toEqual(['DELETE', '/projects/3/webhooks/5']);
    const deliveries = await client.listWebhookDeliveries(3, 5, { limit: 10 });
    expect(deliveries).toEqual({ items: [], next_cursor: 'd2' });
    expect([last().path, last().query]).toEqual(['/projects/3/webhooks/5/deliveries', { limit: '10' }]);
  });

  it('passes list filters and drops unset ones', async () => {
    server.setHandler(() => ({ body: [] }));
    await client.listEvents({ project_id: 3, kind: 'onboarding', limit: 50 });
    expect(last().query).toEqual({ project_id: '3', kind: 'onboarding', limit: '50' });
    await client.listQueueJobs({ status: 'dead' });
    expect([last().path, last().query]).toEqual(['/queues/jobs', { status: 'dead' }]);
    await client.listCodexRuns({ job_type: 'execute_step_job', status: 'failed', cursor: 'abc' });
    expect(last().query).toEqual({ job_type: 'execute_step_job', status: 'failed', cursor: 'abc' });
  });

  it('returns text bodies for log, diff, metrics and run logs', async () => {
    server.setHandler((req) => ({ body: `text of ${req.path}\nline 2\n` }));
    await expect(client.getStepLog(9)).resolves.toBe('text of /steps/9/log\nline 2\n');
    expect(last().headers['accept']).toBe('text/plain, */*');
    await expect(client.getStepDiff(9)).resolves.toBe('text of /steps/9/diff\nline 2\n');
    await expect(client.metrics()).resolves.toBe('text of /metrics\nline 2\n');
    await expect(client.getCodexRunLogs('run 1')).resolves.toBe('text of /codex/runs/run%201/logs\nline 2\n');
  });

  it('encodes branch names with slashes segment by segment', async () => {
    server.setHandler(() => ({ body: { deleted: true, branch: 'feature/x y' } }));
    await expect(client.deleteBranch(3, 'feature/x y', { confirm: true })).resolves.toEqual({
      deleted: true,
      branch: 'feature/x y',
    });
    expect(last().path).toBe('/projects/3/branches/feature/x%20y/delete');
    expect(JSON.parse(last().body)).toEqual({ confirm: true });
  });

  it('returns the degraded health body on 503 instead of throwing', async () => {
    server.setHandler(() => ({
      status: 503,
      body: { status: 'degraded', db: { status: 'ok' }, queue: { status: 'error', error: 'redis down' } },
    }));
    await expect(client.health()).resolves.toMatchObject({ status: 'degraded', queue: { error: 'redis down' } });
    server.setHandler(() => ({ body: { status: 'ok', db: { status: 'ok' }, queue: { status: 'ok' } } }));
    await expect(client.health()).resolves.toMatchObject({ status: 'ok' });
  });

  it('merges headers: client defaults, per-call overrides, project token suppressed with null', async () => {
    const custom = createClient({ baseUrl: server.url, headers: { 'X-Client': 'tgz' }, projectToken: 'p1' });
    await custom.getProject(3, { headers: { 'X-Extra': '1' }, projectToken: 'p2' });
    expect(last().headers).toMatchObject({ 'x-client': 'tgz', 'x-extra': '1', 'x-project-token': 'p2' });
    expect(last().headers['authorization']).toBeUndefined();
    await custom.getProject(3, { projectToken: null });
    expect(last().headers['x-project-token']).toBeUndefined();
  });

  it('keeps a base path prefix and calls a custom fetch detached (browsers reject another `this`)', async () => {
    const calls: string[] = [];
    const fetchImpl = function (this: unknown, input: string, init?: RequestInit) {
      if (this !== undefined) throw new TypeError('Illegal invocation');
      calls.push(input);
      return globalThis.fetch(input.replace('/api', ''), init);
    };
    const prefixed = createClient({ baseUrl: `${server.url}/api`, fetch: fetchImpl });
    server.setHandler(() => ({ body: { message: 'ok', job: null } }));
    await prefixed.retryJob('job/1');
    expect(calls).toEqual([`${server.url}/api/queues/jobs/job%2F1/retry`]);
  });

  it('sends a raw request through the escape hatch', async () => {
    server.setHandler(() => ({ body: { ok: true } }));
    await expect(
      client.request<{ ok: boolean }>({ method: 'PATCH', path: '/anything', query: { a: 1 }, json: { b: 2 } }),
    ).resolves.toEqual({ ok: true });
    expect([last().method, last().path, last().query, last().body]).toEqual([
      'PATCH',
      '/anything',
      { a: '1' },
      '{"b":2}',
    ]);
  });

  // Every method against a catch-all reply: the method, path and body each one sends.
  const cases: [string, string, string, (c: TasksGodzillaClient) => Promise<unknown>, unknown][] = [
    ['health', 'GET', '/health', (c) => c.health(), null],
    ['metrics', 'GET', '/metrics', (c) => c.metrics(), null],
    ['openapi', 'GET', '/openapi.json', (c) => c.openapi(), null],
    ['consoleRuns', 'GET', '/console/runs', (c) => c.consoleRuns({ limit: 5 }), null],
    ['listProjects', 'GET', '/projects', (c) => c.listProjects(), null],
    [
      'createProject',
      'POST',
      '/projects',
      (c) => c.createProject({ name: 'n', git_url: 'g' }),
      { name: 'n', git_url: 'g' },
    ],
    ['getProject', 'GET', '/projects/3', (c) => c.getProject(3), null],
    ['listBranches', 'GET', '/projects/3/branches', (c) => c.listBranches(3), null],
    [
      'deleteBranch',
      'POST',
      '/projects/3/branches/b/delete',
      (c) => c.deleteBranch(3, 'b', { confirm: false }),
      { confirm: false },
    ],
    [
      'createProtocol',
      'POST',
      '/projects/3/protocols',
      (c) => c.createProtocol(3, { protocol_name: 'p', auto_advance: true, template: 'tpl/x' }),
      { protocol_name: 'p', auto_advance: true, template: 'tpl/x' },
    ],
    ['listProtocols', 'GET', '/projects/3/protocols', (c) => c.listProtocols(3), null],
    [
      'createProtocolFromIssue',
      'POST',
      '/projects/3/protocols/from-issue',
      (c) => c.createProtocolFromIssue(3, { issue: 'https://github.com/a/b/issues/4' }),
      { issue: 'https://github.com/a/b/issues/4' },
    ],
    ['getIssueSettings', 'GET', '/projects/3/issue-settings', (c) => c.getIssueSettings(3), null],
    [
      'updateIssueSettings',
      'PUT',
      '/projects/3/issue-settings',
      (c) => c.updateIssueSettings(3, { auto_start: true }),
      { auto_start: true },
    ],
    [
      'importCodeMachine',
      'POST',
      '/projects/3/codemachine/import',
      (c) => c.importCodeMachine(3, { protocol_name: 'p', workspace_path: '/w' }),
      { protocol_name: 'p', workspace_path: '/w' },
    ],
    ['getOnboarding', 'GET', '/projects/3/onboarding', (c) => c.getOnboarding(3), null],
    ['startOnboarding', 'POST', '/projects/3/onboarding/actions/start', (c) => c.startOnboarding(3), null],
    [
      'discoverProject',
      'POST',
      '/projects/3/actions/discover',
      (c) => c.discoverProject(3, { engine_id: 'codex' }),
      { engine_id: 'codex' },
    ],
    ['getProtocol', 'GET', '/protocols/7', (c) => c.getProtocol(7), null],
    ['getProtocolSpec', 'GET', '/protocols/7/spec', (c) => c.getProtocolSpec(7), null],
    ['getProtocolUsage', 'GET', '/protocols/7/usage', (c) => c.getProtocolUsage(7), null],
    ['startProtocol', 'POST', '/protocols/7/actions/start', (c) => c.startProtocol(7), null],
    ['pauseProtocol', 'POST', '/protocols/7/actions/pause', (c) => c.pauseProtocol(7), null],
    ['resumeProtocol', 'POST', '/protocols/7/actions/resume', (c) => c.resumeProtocol(7), null],
    ['cancelProtocol', 'POST', '/protocols/7/actions/cancel', (c) => c.cancelProtocol(7), null],
    ['runNextStep', 'POST', '/protocols/7/actions/run_next_step', (c) => c.runNextStep(7), null],
    ['retryLatest', 'POST', '/protocols/7/actions/retry_latest', (c) => c.retryLatest(7), null],
    ['openPr', 'POST', '/protocols/7/actions/open_pr', (c) => c.openPr(7), null],
    [
      'createStep',
      'POST',
      '/protocols/7/steps',
      (c) => c.createStep(7, { step_index: 0, step_name: '00-setup', step_type: 'setup' }),
      { step_index: 0, step_name: '00-setup', step_type: 'setup' },
    ],
    ['listSteps', 'GET', '/protocols/7/steps', (c) => c.listSteps(7), null],
    ['listProtocolEvents', 'GET', '/protocols/7/events', (c) => c.listProtocolEvents(7), null],
    ['getStep', 'GET', '/steps/9', (c) => c.getStep(9), null],
    ['getStepLog', 'GET', '/steps/9/log', (c) => c.getStepLog(9), null],
    ['getStepDiff', 'GET', '/steps/9/diff', (c) => c.getStepDiff(9), null],
    ['runStep', 'POST', '/steps/9/actions/run', (c) => c.runStep(9), null],
    ['runStepQa', 'POST', '/steps/9/actions/run_qa', (c) => c.runStepQa(9), null],
    ['approveStep', 'POST', '/steps/9/actions/approve', (c) => c.approveStep(9), null],
    ['answerStep', 'POST', '/steps/9/answer', (c) => c.answerStep(9, 'Use 8080.'), { answer: 'Use 8080.' }],
    ['listEvents', 'GET', '/events', (c) => c.listEvents(), null],
    ['queueStats', 'GET', '/queues', (c) => c.queueStats(), null],
    ['listQueues', 'GET', '/queues', (c) => c.listQueues(), null],
    ['listQueueJobs', 'GET', '/queues/jobs', (c) => c.listQueueJobs(), null],
    ['retryJob', 'POST', '/queues/jobs/j1/retry', (c) => c.retryJob('j1'), null],
    ['cancelJob', 'POST', '/queues/jobs/j1/cancel', (c) => c.cancelJob('j1'), null],
    ['listCodexRuns', 'GET', '/codex/runs', (c) => c.listCodexRuns(), null],
    [
      'startCodexRun',
      'POST',
      '/codex/runs/start',
      (c) => c.startCodexRun({ job_type: 'bootstrap', params: { foo: 'bar' } }),
      { job_type: 'bootstrap', params: { foo: 'bar' } },
    ],
    ['getCodexRun', 'GET', '/codex/runs/r1', (c) => c.getCodexRun('r1'), null],
    ['getCodexRunLogs', 'GET', '/codex/runs/r1/logs', (c) => c.getCodexRunLogs('r1'), null],
    [
      'auditSpecs',
      'POST',
      '/specs/audit',
      (c) => c.auditSpecs({ project_id: 3, backfill: true }),
      { project_id: 3, backfill: true },
    ],
    [
      'sendGithubWebhook',
      'POST',
      '/webhooks/github',
      (c) => c.sendGithubWebhook({ event: 'push', payload: { ref: 'refs/heads/x' } }),
      { ref: 'refs/heads/x' },
    ],
    [
      'sendGitlabWebhook',
      'POST',
      '/webhooks/gitlab',
      (c) => c.sendGitlabWebhook({ event: 'Pipeline Hook', payload: { ref: 'x' } }),
      { ref: 'x' },
    ],
  ];

  it.each(cases)('%s → %s %s', async (_name, method, path, call, body) => {
    server.setHandler((req) => ({ body: req.path.endsWith('s') && req.method === 'GET' ? [] : { status: 'ok' } }));
    await call(client);
    expect(server.requests).toHaveLength(1);
    const req = last();
    expect([req.method, req.path]).toEqual([method, path]);
    if (body === null) expect(req.body).toBe('');
    else expect(JSON.parse(req.body)).toEqual(body);
  });
});
