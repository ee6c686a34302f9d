import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnDetached, type DetachedSpec } from './detached-spawn.js';
import { spawnHelper } from './spawn-helper.js';
import { useTempDir } from './git.test-helpers.js';

interface Seen {
  calls: string[];
  pid: number | null;
  stdout: string;
  stderr: string;
  exit: [number | null, NodeJS.Signals | null] | null;
  error: NodeJS.ErrnoException | null;
}

/** Starts `spec` and records every handler call in order; `closed` settles with what was seen. */
function start(spec: Partial<DetachedSpec> & Pick<DetachedSpec, 'binary' | 'args'>) {
  const seen: Seen = { calls: [], pid: null, stdout: '', stderr: '', exit: null, error: null };
  let spawned!: (pid: number) => void;
  const pid = new Promise<number>((resolve) => {
    spawned = resolve;
  });
  const closed = new Promise<Seen>((resolve) => {
    spawnDetached(
      { env: { PATH: process.env.PATH ?? '' }, stdin: null, ...spec },
      {
        onSpawn(value) {
          seen.calls.push('spawn');
          seen.pid = value;
          spawned(value);
        },
        onStdout(chunk) {
          if (seen.calls.at(-1) !== 'stdout') seen.calls.push('stdout');
          seen.stdout += chunk.toString('utf8');
        },
        onStderr(chunk) {
          seen.stderr += chunk.toString('utf8');
        },
        onExit(code, signal) {
          seen.calls.push('exit');
          seen.exit = [code, signal];
        },
        onClose(error) {
          seen.calls.push('close');
          seen.error = error;
          resolve(seen);
        },
      },
    );
  });
  return { pid, closed };
}

/** Live (not zombie) members of a process group, from /proc. */
function liveMembers(group: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === group && state !== 'Z') members.push(Number(entry));
    } catch {
      // the process ended between the listing and the read
    }
  }
  return members;
}

/** Waits until the group has no live member (SIGKILL is delivered asynchronously); false if it never empties. */
async function emptied(group: number): Promise<boolean> {
  for (let i = 0; i < 2000; i++) {
    if (liveMembers(group).length === 0) return true;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return false;
}

describe('spawnDetached', () => {
  const dir = useTempDir('tgz-git-detached-');

  it('streams a command started by the spawn helper: pid first, stdin in, output, exit code, close last', async () => {
    expect(await spawnHelper().ready()).toBe(true);
    const helper = spawnHelper().pid();
    const { closed } = start({
      binary: 'sh',
      args: ['-c', 'echo "$PPID $(ps -o pgid= -p $$)"; cat; echo err >&2; exit 3'],
      stdin: 'from stdin\n',
      env: { PATH: process.env.PATH ?? '', ONLY: 'x' },
    });
    const seen = await closed;
    expect(seen.calls).toEqual(['spawn', 'stdout', 'exit', 'close']);
    const [ppid, pgid] = seen.stdout.split('\n')[0]!.trim().split(/\s+/).map(Number);
    expect(ppid).toBe(helper);
    // Its own process group, led by the process itself.
    expect(pgid).toBe(seen.pid);
    expect(seen.stdout.split('\n').slice(1)).toEqual(['from stdin', '']);
    expect(seen.stderr).toBe('err\n');
    expect(seen.exit).toEqual([3, null]);
    expect(seen.error).toBeNull();
  });

  it('delivers a flood of output whole and in order', async () => {
    expect(await spawnHelper().ready()).toBe(true);
    const script = 'i=0; while [ $i -lt 4000 ]; do printf "%05d %01000d\\n" $i 0; i=$((i+1)); done';
    const seen = await start({ binary: 'sh', args: ['-c', script] }).closed;
    const lines = seen.stdout.split('\n').slice(0, -1);
    expect(lines).toHaveLength(4000);
    expect(lines.every((line, i) => line === `${String(i).padStart(5, '0')} ${'0'.repeat(1000)}`)).toBe(true);
    expect(seen.exit).toEqual([0, null]);
  });

  it('reports a command that cannot start (no such binary, no such folder) without a pid', async () => {
    expect(await spawnHelper().ready()).toBe(true);
    const missing = await start({ binary: 'definitely-not-a-binary-tgz', args: [] }).closed;
    expect(missing.calls).toEqual(['close']);
    expect(missing.error?.code).toBe('ENOENT');
    const noFolder = await start({ binary: 'sh', args: ['-c', 'true'], cwd: join(dir.path, 'missing') }).closed;
    expect(noFolder.calls).toEqual(['close']);
    expect(noFolder.error?.code).toBe('ENOENT');
  });

  it('lets the caller signal the group by the pid it got', async () => {
    expect(await spawnHelper().ready()).toBe(true);
    const { pid, closed } = start({ binary: 'sh', args: ['-c', 'sleep 30 & wait'] });
    process.kill(-(await pid), 'SIGTERM');
    const seen = await closed;
    expect(seen.exit).toEqual([null, 'SIGTERM']);
    expect(seen.error).toBeNull();
  });

  it('ends a command whose helper dies while it runs with ESPAWNHELPER, its group killed, started once', async () => {
    expect(await spawnHelper().ready()).toBe(true);
    const helper = spawnHelper().pid() as number;
    const marker = join(dir.path, 'ran');
    const { pid, closed } = start({ binary: 'sh', args: ['-c', 'echo once >> "$1"; sleep 30', 'sh', marker] });
    const group = await pid;
    while (!existsSync(marker)) await new Promise((resolve) => setImmediate(resolve));
    process.kill(helper, 'SIGKILL');
    const seen = await closed;
    expect(seen.error?.code).toBe('ESPAWNHELPER');
    expect(seen.calls.at(-1)).toBe('close');
    expect(await emptied(group)).toBe(true);
    expect(readFileSync(marker, 'utf8')).toBe('once\n');
  });
});
