import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestRepo, git } from '@tasksgodzilla/testing';
import { createCommandRunner, killRunningCommands } from './command-runner.js';
import { createTestGitService, isolatedGitEnv, useTempDir } from './git.test-helpers.js';

/** Waits (on state, bounded) until `check` holds. */
async function until(check: () => boolean, what: string, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A shell that starts a long `sleep` in the background, writes its pid, and waits for it. */
const LINGERING = (pidFile: string) => ['-c', `sleep 600 & echo $! > '${pidFile}'; wait`];

describe('command runner: process groups', () => {
  const dir = useTempDir('tgz-git-runner-');

  it('kills the whole process group on timeout, not only the direct child', async () => {
    const pidFile = join(dir.path, 'sleep.pid');
    const run = createCommandRunner({ env: { PATH: process.env.PATH }, timeoutMs: 1500 });
    await expect(run('sh', LINGERING(pidFile))).rejects.toMatchObject({ code: 'git_timeout' });
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    await until(() => !alive(pid), `background process ${pid} to be gone`);
    expect(alive(pid)).toBe(false);
  });

  it('kills the process groups of running commands on shutdown (killRunningCommands)', async () => {
    const pidFile = join(dir.path, 'sleep.pid');
    const run = createCommandRunner({ env: { PATH: process.env.PATH }, timeoutMs: 600_000 });
    const pending = run('sh', LINGERING(pidFile));
    pending.catch(() => undefined);
    await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 'the command to start');
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(killRunningCommands()).toBeGreaterThanOrEqual(1);
    await expect(pending).rejects.toMatchObject({ code: expect.any(String) });
    await until(() => !alive(pid), `background process ${pid} to be gone`);
  });

  it('still answers stdout, stderr and accepted exit codes', async () => {
    const run = createCommandRunner({ env: { PATH: process.env.PATH }, timeoutMs: 60_000 });
    expect(await run('sh', ['-c', 'echo out; echo err >&2'])).toEqual({
      stdout: 'out\n',
      stderr: 'err\n',
      exitCode: 0,
    });
    expect((await run('sh', ['-c', 'exit 3'], { okExitCodes: [0, 3] })).exitCode).toBe(3);
    await expect(run('sh', ['-c', 'exit 4'])).rejects.toMatchObject({
      details: expect.objectContaining({ exitCode: 4 }),
    });
    await expect(run('definitely-not-a-binary-tgz', [])).rejects.toMatchObject({ code: 'git_binary_not_found' });
    await expect(run('sh', ['-c', 'true'], { cwd: join(dir.path, 'missing') })).rejects.toMatchObject({
      code: 'git_path_missing',
    });
  });
});

describe('GitService: hostile remote transports', () => {
  const dir = useTempDir('tgz-git-hostile-');

  it('never runs a remote helper: an origin of evil::x (a git-remote-evil on PATH) is refused by git', async () => {
    // A remote helper git would run for `evil::…` URLs: it leaves a marker and hangs.
    const bin = join(dir.path, 'bin');
    const marker = join(dir.path, 'helper-ran');
    git(dir.path, ['init', '-q', bin]);
    writeFileSync(join(bin, 'git-remote-evil'), `#!/bin/sh\ntouch '${marker}'\nsleep 600\n`);
    chmodSync(join(bin, 'git-remote-evil'), 0o755);
    const service = createTestGitService(dir.path, {
      env: isolatedGitEnv(dir.path, { PATH: `${bin}:${process.env.PATH ?? ''}` }),
      commandTimeoutMs: 20_000,
    });
    const { path } = createTestRepo(dir.path);
    git(path, ['remote', 'set-url', 'origin', 'evil::x']);
    const failure = await service.listRemoteBranches(path).then(
      () => null,
      (error: unknown) => error as { code: string; details: { stderr: string } },
    );
    expect(failure?.code).not.toBe('git_timeout');
    expect(failure?.details.stderr).toContain("transport 'evil' not allowed");
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses to clone a hostile URL before running git', async () => {
    const service = createTestGitService(dir.path);
    await expect(service.ensureRepo({ projectId: 1, gitUrl: 'fd::17' })).rejects.toMatchObject({
      category: 'validation',
    });
    expect(existsSync(join(dir.path, 'projects', '1'))).toBe(false);
  });
});
