import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CiTriggerRequest } from '../cli.types.js';
import { run } from '../cli.test-helpers.js';

// `tgz ci trigger` through the runtime's real triggerCi, with fake gh/glab executables on PATH.

describe('tgz ci trigger', () => {
  let root: string;
  let repo: string;
  let bin: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tgz-cli-ci-'));
    repo = join(root, 'repo');
    bin = join(root, 'bin');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(bin);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** A fake CLI that records its argv in `<bin>/<name>.argv` and exits `exitCode`. */
  function fakeCli(name: string, exitCode = 0, stderr = ''): string {
    const calls = join(bin, `${name}.argv`);
    writeFileSync(
      join(bin, name),
      [
        `#!${process.execPath}`,
        `require('node:fs').appendFileSync(${JSON.stringify(calls)}, JSON.stringify(process.argv.slice(2)) + '\\n');`,
        `process.stdout.write('dispatched\\n');`,
        `process.stderr.write(${JSON.stringify(stderr)});`,
        `process.exit(${exitCode});`,
      ].join('\n'),
    );
    chmodSync(join(bin, name), 0o755);
    return calls;
  }

  const deps = () => ({
    cwd: () => repo,
    triggerCi: async (input: CiTriggerRequest) => {
      // The runtime is lazy-loaded by the cli (main.ts), so the test loads it the same way.
      const { triggerCi } = await import('@tasksgodzilla/runtime');
      return triggerCi({ ...input, env: { PATH: `${bin}:${dirname(process.execPath)}` } });
    },
  });

  it('runs gh workflow run with the starter workflow by default, or the one given', async () => {
    const calls = fakeCli('gh');
    const first = await run(['ci', 'trigger', 'feature/x', '--platform', 'github'], deps());
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toBe(
      'Triggered github CI for feature/x: gh workflow run ci.yml --ref feature/x\ndispatched\n',
    );
    const second = await run(
      ['ci', 'trigger', 'main', '--platform', 'github', '--workflow', 'qa.yml', '--json'],
      deps(),
    );
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ platform: 'github', via: 'gh', output: 'dispatched' });
    expect(readFileSync(calls, 'utf8')).toBe(
      `${JSON.stringify(['workflow', 'run', 'ci.yml', '--ref', 'feature/x'])}\n${JSON.stringify(['workflow', 'run', 'qa.yml', '--ref', 'main'])}\n`,
    );
  });

  it('needs no api: with none configured it never starts the local mode', async () => {
    fakeCli('gh');
    const started: unknown[] = [];
    const result = await run(['ci', 'trigger', 'main', '--platform', 'github'], {
      ...deps(),
      defaults: { apiBase: undefined, token: undefined, projectToken: undefined },
      startLocal: (options) => {
        started.push(options);
        return Promise.reject(new Error('the local mode must not start for ci trigger'));
      },
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('Triggered github CI for main');
    expect(started).toEqual([]);
  });

  it('runs glab ci run --branch on gitlab', async () => {
    const calls = fakeCli('glab');
    const result = await run(['ci', 'trigger', 'main', '--platform', 'gitlab'], deps());
    expect(result.code).toBe(0);
    expect(readFileSync(calls, 'utf8')).toBe(`${JSON.stringify(['ci', 'run', '--branch', 'main'])}\n`);
  });

  it('a missing or failing tool is a message and exit 1', async () => {
    const missing = await run(['ci', 'trigger', 'main', '--platform', 'gitlab'], deps());
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/^error: glab is not installed/);
    fakeCli('gh', 1, 'HTTP 422: Workflow does not have workflow_dispatch trigger\n');
    const failed = await run(['ci', 'trigger', 'main', '--platform', 'github'], deps());
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('gh workflow run ci.yml --ref main failed: HTTP 422');
  });

  it('bad input is exit 2 and runs nothing: unknown platform, bad branch, no origin to detect from, not a repository', async () => {
    const calls = fakeCli('gh');
    expect((await run(['ci', 'trigger', 'main', '--platform', 'bitbucket'], deps())).code).toBe(2);
    expect((await run(['ci', 'trigger', 'a..b', '--platform', 'github'], deps())).code).toBe(2);
    const undetected = await run(['ci', 'trigger', 'main'], deps());
    expect(undetected.code).toBe(2);
    expect(undetected.stderr).toContain('--platform');
    const outside = await run(['ci', 'trigger', 'main', '--platform', 'github'], { ...deps(), cwd: () => bin });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('is not the root of a git repository');
    expect(existsSync(calls)).toBe(false);
  });
});
