import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { event, fakeApi, json, PROJECT, run } from '../cli.test-helpers.js';

// `tgz init` in a folder that is not a repository, with the runtime's real initRepository (git init).

describe('tgz init --init-if-needed', () => {
  let folder: string;
  let gitEnv: Record<string, string | undefined>;

  beforeEach(() => {
    folder = realpathSync(mkdtempSync(join(tmpdir(), 'tgz-cli-init-')));
    const emptyConfig = join(folder, '..', `${basename(folder)}.gitconfig`);
    writeFileSync(emptyConfig, '');
    gitEnv = { PATH: process.env['PATH'], GIT_CONFIG_GLOBAL: emptyConfig, GIT_CONFIG_NOSYSTEM: '1' };
  });
  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
    rmSync(`${folder}.gitconfig`, { force: true });
  });

  const deps = (fetch: ReturnType<typeof fakeApi>['fetch']) => ({
    fetch,
    cwd: () => folder,
    initRepository: async (input: { path: string; baseBranch: string }) => {
      // The runtime is lazy-loaded by the cli (main.ts), so the test loads it the same way.
      const { initRepository } = await import('@tasksgodzilla/runtime');
      return initRepository({ ...input, env: gitEnv });
    },
  });

  it('without the flag: a clear message, exit 1, no repository created and no api call', async () => {
    const api = fakeApi({});
    const result = await run(['init'], deps(api.fetch));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is not the root of a git repository');
    expect(result.stderr).toContain('--init-if-needed');
    expect(existsSync(join(folder, '.git'))).toBe(false);
    expect(api.requests).toEqual([]);
  });

  it('with it: git init -b <base branch>, then registers the folder on that branch', async () => {
    const api = fakeApi({
      'GET /projects': () => json([]),
      'POST /projects': () => json({ ...PROJECT, local_path: folder, base_branch: 'trunk' }),
      'GET /projects/1/onboarding': () =>
        json({
          project_id: 1,
          protocol_run_id: 5,
          status: 'completed',
          workspace_path: folder,
          hint: null,
          last_event: null,
          stages: [],
          events: [event(9, 'setup_assets', { metadata: { copied: ['docs/ci.md'], skipped: [] } })],
        }),
    });
    const result = await run(['init', '--init-if-needed', '--base-branch', 'trunk'], deps(api.fetch));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Initialised an empty git repository in ${folder} on branch trunk.`);
    const head = execFileSync('git', ['symbolic-ref', '--short', 'HEAD'], {
      cwd: folder,
      env: gitEnv,
      encoding: 'utf8',
    });
    expect(head.trim()).toBe('trunk');
    expect(api.requests.find((r) => r.method === 'POST')?.body).toEqual({
      name: basename(folder),
      git_url: folder,
      local_path: folder,
      base_branch: 'trunk',
    });
  });

  it('an existing repository is left as it is; --init-if-needed with --clone-url is a usage error', async () => {
    execFileSync('git', ['init', '-q', '-b', 'dev', folder], { env: gitEnv });
    const api = fakeApi({ 'GET /projects': () => json([{ ...PROJECT, local_path: folder }]) });
    const conflict = await run(
      ['init', '--init-if-needed', '--clone-url', 'https://github.com/a/b.git'],
      deps(api.fetch),
    );
    expect(conflict.code).toBe(2);
    expect(api.requests).toEqual([]);
    const head = execFileSync('git', ['symbolic-ref', '--short', 'HEAD'], {
      cwd: folder,
      env: gitEnv,
      encoding: 'utf8',
    });
    expect(head.trim()).toBe('dev');
  });
});
