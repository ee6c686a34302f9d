import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { json, fakeApi, PROJECT, run, event, type Route } from '../cli.test-helpers.js';

// `tgz discover` and `tgz init --discover` against a fake api: enqueue, poll the job in the ledger, report.

const JOB = {
  job_id: 'job-d1',
  job_type: 'project_discovery_job',
  payload: { project_id: 1, job_id: 'job-d1' },
  status: 'queued',
  queue: 'default',
  created_at: '2026-12-06T09:00:00.000Z',
  attempts: 0,
  max_attempts: 3,
  next_run_at: null,
  started_at: null,
  ended_at: null,
  result: null,
  error: null,
  meta: {},
};

/** The ledger row of JOB as `GET /codex/runs/job-d1` shows it. */
function ledgerRow(status: string, extra: Record<string, unknown> = {}) {
  return {
    run_id: 'job-d1',
    job_type: 'project_discovery_job',
    status,
    queue: 'default',
    attempts: status === 'queued' ? 0 : 1,
    max_attempts: 3,
    created_at: '2026-12-06T09:00:00.000Z',
    updated_at: '2026-12-06T09:00:01.000Z',
    started_at: null,
    finished_at: null,
    prompt_version: null,
    params: { project_id: 1 },
    result: null,
    error: null,
    log_path: null,
    cost_tokens: null,
    cost_cents: null,
    project_id: 1,
    protocol_run_id: null,
    step_run_id: null,
    ...extra,
  };
}

const COMPLETED = {
  status: 'completed',
  engine_id: 'codex',
  model: 'gpt-5.1-codex-max',
  reason: null,
  notes: ['tasksgodzilla/DISCOVERY.md', 'tasksgodzilla/CI_NOTES.md'],
  path: '/repo',
  succeeded: true,
};

/** A ledger that answers `statuses` in turn (the last one from then on). */
function ledger(statuses: ReturnType<typeof ledgerRow>[]): Route {
  let reads = 0;
  return () => json(statuses[Math.min(reads++, statuses.length - 1)]);
}

describe('tgz discover', () => {
  let repo: string;
  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'tgz-cli-discover-'));
    mkdirSync(join(repo, '.git'));
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  const project = () => ({ ...PROJECT, local_path: repo });

  it("defaults to the current repository's project, waits for the job and prints the notes", async () => {
    const api = fakeApi({
      'GET /projects': () => json([project()]),
      'POST /projects/1/actions/discover': () => json({ message: 'Discovery enqueued', job: JOB }, 202),
      'GET /codex/runs/job-d1': ledger([
        ledgerRow('queued'),
        ledgerRow('running'),
        ledgerRow('succeeded', { result: { ...COMPLETED, path: repo }, log_path: '/data/runs/job-d1/logs.txt' }),
      ]),
    });
    const result = await run(['discover', '--engine', 'codex'], { fetch: api.fetch, cwd: () => repo });
    expect(result.code).toBe(0);
    expect(api.requests.find((r) => r.method === 'POST')?.body).toEqual({ engine_id: 'codex' });
    expect(api.requests.filter((r) => r.url.pathname === '/codex/runs/job-d1')).toHaveLength(3);
    expect(result.stderr).toBe('Discovery enqueued: job job-d1 (project 1).\n');
    expect(result.stdout).toBe(
      [
        `Discovery completed with codex (gpt-5.1-codex-max) in ${repo}.`,
        'Notes: tasksgodzilla/DISCOVERY.md, tasksgodzilla/CI_NOTES.md',
        'Log: /data/runs/job-d1/logs.txt',
        '',
      ].join('\n'),
    );
  });

  it('--project picks the project; notes already present are a success that says so; --json prints job and report', async () => {
    const api = fakeApi({
      'POST /projects/4/actions/discover': () => json({ message: 'Discovery enqueued', job: JOB }, 202),
      'GET /codex/runs/job-d1': ledger([
        ledgerRow('succeeded', { result: { ...COMPLETED, status: 'exists', engine_id: null, model: null } }),
      ]),
    });
    const human = await run(['discover', '--project', '4'], { fetch: api.fetch, cwd: () => repo });
    expect(human.code).toBe(0);
    expect(api.requests.some((r) => r.url.pathname === '/projects')).toBe(false);
    expect(api.requests[0]?.body).toEqual({});
    expect(human.stdout).toContain('Discovery notes already present in /repo (delete them to run discovery again).');
    const machine = await run(['discover', '--project', '4', '--json'], { fetch: api.fetch, cwd: () => repo });
    expect(machine.code).toBe(0);
    expect(machine.stderr).toBe('');
    expect(JSON.parse(machine.stdout)).toMatchObject({
      project_id: 4,
      job: { run_id: 'job-d1', status: 'succeeded' },
      discovery: { status: 'exists', notes: COMPLETED.notes, path: '/repo' },
    });
  });

  it('a failed job is exit 1 with the reason from the ledger', async () => {
    const api = fakeApi({
      'GET /projects': () => json([project()]),
      'POST /projects/1/actions/discover': () => json({ message: 'Discovery enqueued', job: JOB }, 202),
      'GET /codex/runs/job-d1': ledger([
        ledgerRow('failed', { error: 'EngineError: discovery skipped: engine "shell" has no discovery capability' }),
      ]),
    });
    const result = await run(['discover'], { fetch: api.fetch, cwd: () => repo });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'error: discovery of project 1 failed (job job-d1): EngineError: discovery skipped: engine "shell" has no discovery capability',
    );
  });

  it('--no-wait returns once enqueued; a 409 from the api is exit 1 with its message', async () => {
    const api = fakeApi({
      'POST /projects/1/actions/discover': () => json({ message: 'Discovery enqueued', job: JOB }, 202),
      'POST /projects/2/actions/discover': () =>
        json({ detail: 'Discovery already running', code: 'discovery_running', category: 'conflict' }, 409),
    });
    const queued = await run(['discover', '--project', '1', '--no-wait'], { fetch: api.fetch, cwd: () => repo });
    expect(queued.code).toBe(0);
    expect(queued.stdout).toBe('Discovery enqueued: job job-d1. Follow it with: tgz codex-runs show job-d1\n');
    expect(api.requests.some((r) => r.url.pathname.startsWith('/codex/runs'))).toBe(false);
    const busy = await run(['discover', '--project', '2'], { fetch: api.fetch, cwd: () => repo });
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('Discovery already running');
  });

  it('a repository with no project is exit 1 naming tgz init; bad flags are exit 2 and send nothing', async () => {
    const api = fakeApi({ 'GET /projects': () => json([]) });
    const none = await run(['discover'], { fetch: api.fetch, cwd: () => repo });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('run `tgz init` there first');
    api.requests.length = 0;
    expect((await run(['discover', '--project', 'x'], { fetch: api.fetch, cwd: () => repo })).code).toBe(2);
    expect((await run(['discover', '--engine', ' '], { fetch: api.fetch, cwd: () => repo })).code).toBe(2);
    expect((await run(['discover', '--timeout', '-1'], { fetch: api.fetch, cwd: () => repo })).code).toBe(2);
    expect(api.requests).toEqual([]);
  });
});

describe('tgz init --discover', () => {
  let repo: string;
  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'tgz-cli-init-discover-'));
    mkdirSync(join(repo, '.git'));
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  const onboarding = (status: string) => ({
    project_id: 1,
    protocol_run_id: 5,
    status,
    workspace_path: repo,
    hint: status === 'blocked' ? 'clone it' : null,
    last_event: null,
    stages: [],
    events: [event(9, 'setup_assets', { metadata: { copied: ['docs/ci.md'], skipped: [] } })],
  });

  it('registers, waits for onboarding, then runs discovery with --engine and waits for it', async () => {
    const api = fakeApi({
      'GET /projects': () => json([]),
      'POST /projects': () => json({ ...PROJECT, local_path: repo, name: 'repo' }),
      'GET /projects/1/onboarding': () => json(onboarding('completed')),
      'POST /projects/1/actions/discover': () => json({ message: 'Discovery enqueued', job: JOB }, 202),
      'GET /codex/runs/job-d1': ledger([ledgerRow('succeeded', { result: { ...COMPLETED, path: repo } })]),
    });
    const result = await run(['init', '--discover', '--engine', 'codex'], { fetch: api.fetch, cwd: () => repo });
    expect(result.code).toBe(0);
    const posts = api.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.url.pathname)).toEqual(['/projects', '/projects/1/actions/discover']);
    expect(posts[1]?.body).toEqual({ engine_id: 'codex' });
    expect(result.stdout).toContain('Registered project 1 (repo)');
    expect(result.stdout).toContain(`Discovery completed with codex (gpt-5.1-codex-max) in ${repo}.`);
  });

  it('onboarding that does not complete runs no discovery; --engine without --discover is exit 2', async () => {
    const api = fakeApi({
      'GET /projects': () => json([{ ...PROJECT, local_path: repo }]),
      'POST /projects/1/onboarding/actions/start': () => json({ message: 'ok', job: null }),
      'GET /projects/1/onboarding': () => json(onboarding('blocked')),
    });
    const blocked = await run(['init', '--discover'], { fetch: api.fetch, cwd: () => repo });
    expect(blocked.code).toBe(1);
    expect(api.requests.some((r) => r.url.pathname.endsWith('/actions/discover'))).toBe(false);
    api.requests.length = 0;
    const bad = await run(['init', '--engine', 'codex'], { fetch: api.fetch, cwd: () => repo });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--engine: only with --discover');
    expect(api.requests).toEqual([]);
  });
});
