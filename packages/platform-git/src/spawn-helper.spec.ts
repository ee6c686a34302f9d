import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCommandRunner } from './command-runner.js';
import { spawnHelper } from './spawn-helper.js';
import { useTempDir } from './git.test-helpers.js';

/** The parent pid of a process, from /proc. */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

describe('command runner: the spawn helper', () => {
  const dir = useTempDir('tgz-git-helper-');
  const run = createCommandRunner({ env: { PATH: process.env.PATH, ONLY_THIS: 'yes' }, timeoutMs: 60_000 });

  it('runs commands from the helper process once it is up, not from this process', async () => {
    await run('sh', ['-c', 'true']);
    expect(await spawnHelper().ready()).toBe(true);
    const helperPid = spawnHelper().pid();
    expect(helperPid).not.toBeNull();
    const { stdout } = await run('sh', ['-c', 'echo $PPID $$; ps -o pgid= -p $$']);
    const [ppid, pid, pgid] = stdout.trim().split(/\s+/).map(Number);
    expect(ppid).toBe(helperPid);
    expect(parentOf(helperPid as number)).toBe(process.pid);
    // Its own process group, as when this process spawns it.
    expect(pgid).toBe(pid);
  });

  it('gives the command exactly the runner environment (the helper has none of its own)', async () => {
    expect(await spawnHelper().ready()).toBe(true);
    const { stdout } = await run('sh', ['-c', 'env'], { env: { EXTRA: 'x' } });
    const names = stdout
      .trim()
      .split('\n')
      .map((line) => line.split('=')[0])
      .filter((name) => name !== 'PWD' && name !== 'SHLVL' && name !== '_');
    expect(names.sort()).toEqual(['EXTRA', 'ONLY_THIS', 'PATH']);
  });

  it('keeps output bytes, exit codes and failures as a direct spawn reports them', async () => {
    expect(await spawnHelper().ready()).toBe(true);
    const bytes = await run('sh', ['-c', "printf 'a\\303\\251\\0b'; echo err >&2"]);
    expect(bytes).toEqual({ stdout: 'a\u00e9\u0000b', stderr: 'err\n', exitCode: 0 });
    await expect(run('definitely-not-a-binary-tgz', [])).rejects.toMatchObject({ code: 'git_binary_not_found' });
    await expect(run('sh', ['-c', 'true'], { cwd: join(dir.path, 'missing') })).rejects.toMatchObject({
      code: 'git_path_missing',
    });
  });

  it('spawns directly again when the helper dies, and restarts it', async () => {
    expect(await spawnHelper().ready()).toBe(true);
    const first = spawnHelper().pid() as number;
    process.kill(first, 'SIGKILL');
    // Until a new helper is up, commands run from this process.
    let ppid = first;
    for (let i = 0; i < 50 && ppid !== process.pid; i++) {
      ppid = Number((await run('sh', ['-c', 'echo $PPID'])).stdout.trim());
    }
    expect(ppid).toBe(process.pid);
    expect(await spawnHelper().ready()).toBe(true);
    expect(spawnHelper().pid()).not.toBe(first);
    expect(Number((await run('sh', ['-c', 'echo $PPID'])).stdout.trim())).toBe(spawnHelper().pid());
  });

  it('fails a command whose helper dies while it runs, kills its group and never starts it again', async () => {
    expect(await spawnHelper().ready()).toBe(true);
    const helper = spawnHelper().pid() as number;
    const marker = join(dir.path, 'ran');
    const running = run('sh', ['-c', 'echo once >> "$1"; sleep 30', 'sh', marker]);
    const outcome = running.then(
      () => 'resolved',
      (error: { cause?: { code?: string } }) => error.cause?.code,
    );
    while (!existsSync(marker)) await new Promise((resolve) => setImmediate(resolve));
    process.kill(helper, 'SIGKILL');
    expect(await outcome).toBe('ESPAWNHELPER');
    expect(readFileSync(marker, 'utf8')).toBe('once\n');
  });
});
