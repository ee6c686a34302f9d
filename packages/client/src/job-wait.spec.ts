import { createClient, type TasksGodzillaClient } from './client.js';
import { ApiError } from './client.errors.js';
import type { CodexRunOut } from './client.types.js';
import { startFakeServer, type FakeServer } from './fake-server.test-helpers.js';
import { JobWaitTimeoutError } from './job-wait.js';

const RUN: CodexRunOut = {
  run_id: 'job-1',
  job_type: 'project_discovery_job',
  status: 'queued',
  queue: 'default',
  attempts: 0,
  max_attempts: 3,
  created_at: '2026-12-06T09:00:00.000Z',
  updated_at: '2026-12-06T09:00:00.000Z',
  started_at: null,
  finished_at: null,
  prompt_version: null,
  params: { project_id: 3 },
  result: null,
  error: null,
  log_path: null,
  cost_tokens: null,
  cost_cents: null,
  project_id: 3,
  protocol_run_id: null,
  step_run_id: null,
};

describe('discoverProject and waitForJob', () => {
  let server: FakeServer;
  let client: TasksGodzillaClient;

  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    client = createClient({ baseUrl: server.url, token: 'secret-token' });
  });

  it('discoverProject POSTs the body (an empty object by default) and reads the 202 ActionResponse', async () => {
    const job = { job_id: 'job-1', job_type: 'project_discovery_job', status: 'queued' };
    server.setHandler(() => ({ status: 202, body: { message: 'Discovery enqueued', job } }));
    const plain = await client.discoverProject(3);
    expect(plain).toMatchObject({ message: 'Discovery enqueued', job: { job_id: 'job-1' } });
    const withEngine = await client.discoverProject(3, { engine_id: 'codex' }, { requestId: 'req-9' });
    expect(withEngine.job?.job_type).toBe('project_discovery_job');
    const [first, second] = server.requests;
    expect([first?.method, first?.path, first?.body]).toEqual(['POST', '/projects/3/actions/discover', '{}']);
    expect(first?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(second?.body ?? '')).toEqual({ engine_id: 'codex' });
    expect(second?.headers['x-request-id']).toBe('req-9');
  });

  it('discoverProject turns a 409 into an ApiError with the detail', async () => {
    server.setHandler(() => ({
      status: 409,
      body: { detail: 'Discovery already running', code: 'discovery_running', category: 'conflict' },
    }));
    const error = await client.discoverProject(3).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, detail: 'Discovery already running' });
  });

  it('waitForJob reads the job until it finishes and returns the last read', async () => {
    const statuses: CodexRunOut['status'][] = ['queued', 'running', 'running', 'succeeded'];
    let reads = 0;
    server.setHandler(() => ({ body: { ...RUN, status: statuses[Math.min(reads++, statuses.length - 1)] } }));
    const seen: string[] = [];
    const done = await client.waitForJob('job-1', { intervalMs: 1, onPoll: (run) => seen.push(run.status) });
    expect(done.status).toBe('succeeded');
    expect(seen).toEqual(['queued', 'running', 'running', 'succeeded']);
    expect(server.requests.every((r) => r.method === 'GET' && r.path === '/codex/runs/job-1')).toBe(true);
    expect(server.requests[0]?.headers['authorization']).toBe('Bearer secret-token');
  });

  it('waitForJob returns failed and cancelled jobs as they are', async () => {
    for (const status of ['failed', 'cancelled'] as const) {
      server.setHandler(() => ({ body: { ...RUN, status, error: 'boom' } }));
      await expect(client.waitForJob('job-1', { intervalMs: 1 })).resolves.toMatchObject({ status, error: 'boom' });
    }
  });

  it('waitForJob gives up after timeoutMs (fake clock), stops on abort, and rejects on a read error', async () => {
    server.setHandler(() => ({ body: { ...RUN, status: 'running' } }));
    let clock = 0;
    const timedOut = await client
      .waitForJob('job-1', { intervalMs: 1, timeoutMs: 1000, now: () => (clock += 400) })
      .catch((caught: unknown) => caught);
    expect(timedOut).toBeInstanceOf(JobWaitTimeoutError);
    expect((timedOut as JobWaitTimeoutError).message).toBe('job job-1 did not finish within 1000 ms (it is running)');

    const controller = new AbortController();
    const reason = new Error('stop');
    const waiting = client.waitForJob('job-1', {
      intervalMs: 1,
      signal: controller.signal,
      onPoll: () => controller.abort(reason),
    });
    await expect(waiting).rejects.toBe(reason);

    server.setHandler(() => ({ status: 404, body: { detail: 'Run job-2 not found' } }));
    await expect(client.waitForJob('job-2', { intervalMs: 1 })).rejects.toMatchObject({ status: 404 });
  });
});
