import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { QaGateInput, QaGateResult } from '@tasksgodzilla/runtime';
import type { LocalServer, LocalStartOptions } from '../cli.types.js';
import { DEFAULTS, event, fakeApi, json, PROJECT, run } from '../cli.test-helpers.js';
import { nextProtocolName } from './local.command.js';

const LOCAL_URL = 'http://127.0.0.1:4567';

/** A stand-in local mode: records its start options, whether it was closed, and the QA gate inputs. */
function fakeLocal(outcome: QaGateResult['outcome'] = 'PASS') {
  const started: LocalStartOptions[] = [];
  const gates: QaGateInput[] = [];
  let closed = 0;
  const startLocal = (options: LocalStartOptions): Promise<LocalServer> => {
    started.push(options);
    return Promise.resolve({
      url: LOCAL_URL,
      token: 'per-process-token',
      dataDir: '/data',
      qaGate: (input) => {
        gates.push(input);
        return Promise.resolve({
          outcome,
          policy: 'full',
          report_path: '/repo/.protocols/0001-x/quality/01-a-1.md',
          report: '',
          checks: [
            { command: 'npm test', exit_code: outcome === 'PASS' ? 0 : 1, passed: outcome === 'PASS', output_tail: '' },
          ],
          agent: null,
          usage: null,
          cost_usd: null,
          prompt_version: null,
          error: null,
          reason: outcome === 'PASS' ? 'Every check passed.' : 'A check failed.',
          project_id: 1,
          protocol_run_id: 2,
          step_run_id: 3,
          step_file: '01-a.md',
        });
      },
      close: () => {
        closed++;
        return Promise.resolve();
      },
    });
  };
  return { startLocal, started, gates, closed: () => closed };
}

describe('nextProtocolName', () => {
  it.each([
    [[], 'Add a greeting script', '0001-add-a-greeting-script'],
    [['0001-a', '0007-b', 'free-name'], 'Fix: the LOGIN bug!', '0008-fix-the-login-bug'],
    [[], '***', '0001-task'],
    [[], 'a'.repeat(60), `0001-${'a'.repeat(40)}`],
  ])('%j + %j → %s', (existing, description, expected) => {
    expect(nextProtocolName(existing, description)).toBe(expected);
  });
});

/** A fresh folder with a `.git` for each test of the calling describe (the repository root the cli sees). */
function useRepoRoot(): { path: string } {
  const current = { path: '' };
  beforeEach(() => {
    current.path = mkdtempSync(join(tmpdir(), 'tgz-cli-repo-'));
    mkdirSync(join(current.path, '.git'));
  });
  afterEach(() => rmSync(current.path, { recursive: true, force: true }));
  return current;
}

describe('local mode', () => {
  const root = useRepoRoot();

  it('no api configured: starts the local mode once, calls it with its token, and closes it at the end', async () => {
    const local = fakeLocal();
    const api = fakeApi({ 'GET /projects': () => json([PROJECT]) });
    const result = await run(['projects', 'list', '--data-dir', 'data'], {
      defaults: { ...DEFAULTS, apiBase: undefined },
      fetch: api.fetch,
      startLocal: local.startLocal,
      cwd: () => root.path,
    });
    expect(result.code).toBe(0);
    expect(local.started).toEqual([{ verbose: false, dataDir: join(root.path, 'data') }]);
    expect(api.requests[0]?.url.origin).toBe(LOCAL_URL);
    expect(api.requests[0]?.headers['authorization']).toBe('Bearer per-process-token');
    expect(local.closed()).toBe(1);
  });

  it('an api given (--api or the environment) never starts the local mode', async () => {
    const local = fakeLocal();
    const api = fakeApi({ 'GET /projects': () => json([]) });
    const result = await run(['projects', 'list', '--api', 'http://remote.test:1'], {
      defaults: { ...DEFAULTS, apiBase: undefined },
      fetch: api.fetch,
      startLocal: local.startLocal,
    });
    expect(result.code).toBe(0);
    expect(api.requests[0]?.url.origin).toBe('http://remote.test:1');
    expect(local.started).toEqual([]);
  });

  it('help never starts it; a failing command still closes it', async () => {
    const local = fakeLocal();
    const deps = { defaults: { ...DEFAULTS, apiBase: undefined }, startLocal: local.startLocal, cwd: () => root.path };
    expect((await run(['--help'], deps)).code).toBe(0);
    expect((await run(['plan', '--help'], deps)).code).toBe(0);
    expect(local.started).toEqual([]);
    const api = fakeApi({});
    expect((await run(['projects', 'show', '9'], { ...deps, fetch: api.fetch })).code).toBe(1);
    expect(local.closed()).toBe(1);
  });
});

describe('init', () => {
  const root = useRepoRoot();

  const onboarding = (copied: string[], skipped: string[]) => ({
    project_id: 1,
    protocol_run_id: 5,
    status: 'completed',
    workspace_path: root.path,
    hint: null,
    last_event: null,
    stages: [],
    events: [event(9, 'setup_assets', { metadata: { copied, skipped } })],
  });

  it('registers the working directory as a project and lists the assets it added', async () => {
    const api = fakeApi({
      'GET /projects': () => json([]),
      'POST /projects': () => json({ ...PROJECT, local_path: root.path, name: 'repo' }),
      'GET /projects/1/onboarding': () => json(onboarding(['docs/ci.md'], [])),
    });
    const result = await run(['init'], { fetch: api.fetch, cwd: () => root.path });
    expect(result.code).toBe(0);
    expect(api.requests.find((r) => r.method === 'POST')?.body).toEqual({
      name: basename(root.path),
      git_url: root.path,
      local_path: root.path,
    });
    expect(result.stdout).toContain('Registered project 1 (repo)');
    expect(result.stdout).toContain('Starter assets added (not committed): docs/ci.md');
  });

  it('a registered repository whose onboarding completed: nothing is created or started, and it says so', async () => {
    const api = fakeApi({
      'GET /projects': () => json([{ ...PROJECT, local_path: root.path }]),
      'GET /projects/1/onboarding': () => json(onboarding(['docs/ci.md'], [])),
    });
    const result = await run(['init'], { fetch: api.fetch, cwd: () => root.path });
    expect(result.code).toBe(0);
    expect(api.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(result.stdout).toContain('already registered');
    expect(result.stdout).toContain('Nothing changed: onboarding already completed.');
  });

  it('a registered repository whose onboarding was blocked: onboarding runs again and adds only what is missing', async () => {
    let started = false;
    const api = fakeApi({
      'GET /projects': () => json([{ ...PROJECT, local_path: root.path }]),
      'POST /projects/1/onboarding/actions/start': () => ((started = true), json({ message: 'ok', job: null })),
      'GET /projects/1/onboarding': () =>
        json(started ? onboarding([], ['docs/ci.md']) : { ...onboarding([], []), status: 'blocked' }),
    });
    const result = await run(['init'], { fetch: api.fetch, cwd: () => root.path });
    expect(result.code).toBe(0);
    expect(api.requests.filter((r) => r.method === 'POST').map((r) => r.url.pathname)).toEqual([
      '/projects/1/onboarding/actions/start',
    ]);
    expect(result.stdout).toContain('already registered');
    expect(result.stdout).toContain('Nothing changed: all 1 starter assets are already present.');
  });

  it('outside a repository root: exit 1 naming --init-if-needed, nothing sent', async () => {
    const api = fakeApi({});
    const result = await run(['init'], { fetch: api.fetch, cwd: () => join(root.path, '..') });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is not the root of a git repository');
    expect(result.stderr).toContain('--init-if-needed');
    expect(api.requests).toEqual([]);
  });
});

describe('qa', () => {
  it.each([
    ['PASS', 0],
    ['FAIL', 1],
    ['ERROR', 1],
  ] as const)('%s exits %i, always on the in-process runtime even with an api configured', async (outcome, code) => {
    const local = fakeLocal(outcome);
    const result = await run(['qa', '--protocol', '.protocols/0001-x', '--step', '01-a.md', '--engine', 'shell'], {
      startLocal: local.startLocal,
      cwd: () => '/repo',
    });
    expect(result.code).toBe(code);
    expect(local.gates).toEqual([
      { repoPath: '/repo', protocolDir: '/repo/.protocols/0001-x', stepFile: '01-a.md', engineId: 'shell' },
    ]);
    expect(result.stdout).toContain(`QA ${outcome}`);
    expect(local.closed()).toBe(1);
  });

  it('--protocol and --step are required', async () => {
    const result = await run(['qa', '--step', '01-a.md'], { startLocal: fakeLocal().startLocal });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '--protocol <dir>' not specified");
  });
});
