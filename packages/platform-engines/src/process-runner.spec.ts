import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess, startProcess, type ProcessRunOptions } from './process-runner.js';
import { openRunLog } from './run-log.js';
import { waitForExit, useTempDir } from './testing/fake-engines.test-helpers.js';

const node = process.execPath;

describe('process runner', () => {
  const tmp = useTempDir('tgz-runner-');
  /** Runs `node -e <script>` in the test's temp folder. */
  const runNode = (script: string, options: Partial<ProcessRunOptions> = {}) =>
    runProcess({ command: node, args: ['-e', script], cwd: tmp.path, ...options });

  it('streams stdout and stderr lines to the callbacks and the log, and reports the exit code', async () => {
    const log = openRunLog(join(tmp.path, 'nested', 'run.log'));
    const out: string[] = [];
    const err: string[] = [];
    const script = 'process.stdout.write("one\\ntwo\\r\\nthree"); console.error("oops"); process.exitCode = 3';
    const result = await runNode(script, {
      log,
      onStdoutLine: (line) => out.push(line),
      onStderrLine: (line) => err.push(line),
    });
    log.close();
    expect(result).toMatchObject({
      spawned: true,
      exitCode: 3,
      signal: null,
      termination: 'exited',
      spawnError: null,
      stderrTail: ['oops'],
    });
    expect(out).toEqual(['one', 'two', 'three']);
    expect(err).toEqual(['oops']);
    const text = readFileSync(join(tmp.path, 'nested', 'run.log'), 'utf8');
    expect(text).toContain('one\ntwo\n');
    expect(text).toContain('three\n');
    expect(text).toContain('[stderr] oops\n');
  });

  it('writes stdin, runs in cwd and adds env to the allow-listed environment', async () => {
    const out: string[] = [];
    await runProcess({
      command: node,
      args: [
        '-e',
        'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify({s,cwd:process.cwd(),x:process.env.TGZ_X,path:!!process.env.PATH})))',
      ],
      cwd: tmp.path,
      stdin: 'hello prompt',
      env: { TGZ_X: 'y' },
      onStdoutLine: (line) => out.push(line),
    });
    expect(JSON.parse(out[0] ?? '{}')).toEqual({ s: 'hello prompt', cwd: tmp.path, x: 'y', path: true });
  });

  it('builds the child environment from the allow-list, never the whole parent environment', async () => {
    const out: string[] = [];
    const started: number[] = [];
    const result = await runNode('console.log(JSON.stringify(process.env))', {
      engineId: 'codex',
      passEnv: ['NPM_TOKEN'],
      parentEnv: {
        PATH: process.env.PATH,
        HOME: '/home/x',
        TASKSGODZILLA_API_TOKEN: 'canary-api',
        GITHUB_TOKEN: 'canary-gh',
        OPENAI_API_KEY: 'sk-1',
        ANTHROPIC_API_KEY: 'sk-other',
        NPM_TOKEN: 'npm-1',
      },
      env: { TGZ_X: 'y' },
      onStart: (pid) => started.push(pid),
      onStdoutLine: (line) => out.push(line),
    });
    const env = JSON.parse(out[0] ?? '{}') as Record<string, string>;
    expect(env).toMatchObject({ HOME: '/home/x', OPENAI_API_KEY: 'sk-1', NPM_TOKEN: 'npm-1', TGZ_X: 'y' });
    expect(Object.values(env).join('\n')).not.toMatch(/canary|sk-other/);
    expect(started).toEqual([result.pid]);
  });

  it('does not pass the real process environment through either', async () => {
    process.env.TASKSGODZILLA_TEST_CANARY = 'canary-from-process-env';
    try {
      const out: string[] = [];
      await runNode('console.log(process.env.TASKSGODZILLA_TEST_CANARY ?? "absent")', {
        onStdoutLine: (line) => out.push(line),
      });
      expect(out).toEqual(['absent']);
    } finally {
      delete process.env.TASKSGODZILLA_TEST_CANARY;
    }
  });

  it('redacts the run log when the log has a redactor', async () => {
    const path = join(tmp.path, 'redacted.log');
    const log = openRunLog(path, (text) => text.replaceAll('s3cret-value', '[REDACTED]'));
    await runNode('console.log("token=s3cret-value"); console.error("again s3cret-value")', { log });
    log.close();
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('token=[REDACTED]\n');
    expect(text).toContain('[stderr] again [REDACTED]\n');
    expect(text).not.toContain('s3cret-value');
  });

  it.each([
    {
      name: 'kills a silent process group on stall',
      script: 'setInterval(() => {}, 1000)',
      options: { stallTimeoutMs: 300, killGraceMs: 200 },
      expected: { termination: 'stalled', signal: 'SIGTERM', terminationReason: 'no output for 300ms' },
    },
    {
      name: 'enforces the wall-clock limit on a chatty process',
      script: 'setInterval(() => console.log("tick"), 50)',
      options: { timeoutMs: 500, stallTimeoutMs: 10_000 },
      expected: { termination: 'timeout' },
    },
  ])('$name', async ({ script, options, expected }) => {
    expect(await runNode(script, options)).toMatchObject(expected);
  });

  it('aborts on the signal, and does not start at all when it is already aborted', async () => {
    const controller = new AbortController();
    const result = await runNode('console.log("ready"); setInterval(() => {}, 1000)', {
      signal: controller.signal,
      onStdoutLine: () => controller.abort(),
    });
    expect(result.termination).toBe('aborted');
    const early = await runNode('', { signal: controller.signal });
    expect(early).toMatchObject({ spawned: false, termination: 'aborted', pid: null });
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    // stop() only after the first line, so the SIGTERM handler is installed by then.
    const handle = startProcess({
      command: node,
      args: ['-e', 'process.on("SIGTERM", () => {}); console.log("x"); setInterval(() => {}, 1000)'],
      cwd: tmp.path,
      killGraceMs: 200,
      onStdoutLine: () => handle.stop('test'),
    });
    const result = await handle.done;
    expect(result.termination).toBe('stopped');
    expect(result.signal).toBe('SIGKILL');
  });

  it('kills grandchildren left behind by a leader that exited normally', async () => {
    const out: string[] = [];
    const result = await runProcess({
      command: 'bash',
      args: ['-c', 'sleep 300 & echo $!'],
      cwd: tmp.path,
      killGraceMs: 200,
      onStdoutLine: (line) => out.push(line),
    });
    expect(result).toMatchObject({ exitCode: 0, termination: 'exited' });
    expect(await waitForExit(Number(out[0]))).toBe(true);
  });

  it('stop() kills the group with a reason', async () => {
    const handle = startProcess({
      command: node,
      args: ['-e', 'console.log("go"); setInterval(() => {}, 1000)'],
      cwd: tmp.path,
      onStdoutLine: () => handle.stop('budget exceeded'),
    });
    const result = await handle.done;
    expect(result).toMatchObject({ termination: 'stopped', terminationReason: 'budget exceeded' });
  });

  it('reports a missing executable as a spawn error', async () => {
    const result = await runProcess({ command: join(tmp.path, 'missing-binary'), args: [], cwd: tmp.path });
    expect(result.spawned).toBe(false);
    expect(result.spawnError?.code).toBe('ENOENT');
  });

  describe('through the spawn helper', () => {
    /** The parent pid of a process, from /proc. */
    const parentOf = (pid: number) => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    };
    /** Runs processes until one is started by the helper (it starts with the first); its parent's pid. */
    const helperUp = async (): Promise<number> => {
      for (let i = 0; i < 100; i++) {
        const out: string[] = [];
        await runProcess({
          command: 'sh',
          args: ['-c', 'echo $PPID'],
          cwd: tmp.path,
          onStdoutLine: (l) => out.push(l),
        });
        const parent = Number(out[0]);
        if (parent !== process.pid) return parent;
      }
      throw new Error('the spawn helper never took a process');
    };

    it('starts the process from the helper, a child of this process, not from this process itself', async () => {
      const helper = await helperUp();
      expect(parentOf(helper)).toBe(process.pid);
      const out: string[] = [];
      const result = await runNode('console.log(process.ppid)', { onStdoutLine: (line) => out.push(line) });
      expect(result).toMatchObject({ spawned: true, exitCode: 0, termination: 'exited' });
      expect(Number(out[0])).toBe(helper);
    });

    it('a stop that comes before the helper has answered the pid kills the process once it starts', async () => {
      await helperUp();
      const started: number[] = [];
      const handle = startProcess({
        command: 'sh',
        args: ['-c', 'sleep 30'],
        cwd: tmp.path,
        onStart: (pid) => started.push(pid),
      });
      // The helper answers the pid a moment after the start: the stop is recorded and sent on it.
      expect(handle.pid).toBeNull();
      handle.stop('budget exceeded');
      const result = await handle.done;
      expect(result).toMatchObject({
        spawned: true,
        signal: 'SIGTERM',
        termination: 'stopped',
        terminationReason: 'budget exceeded',
      });
      expect(started).toEqual([result.pid]);
      expect(handle.pid).toBe(result.pid);
      expect(await waitForExit(result.pid as number)).toBe(true);
    });

    it('a process whose helper dies while it runs ends stopped, its group killed, and the next one starts', async () => {
      const helper = await helperUp();
      const lines: string[] = [];
      const handle = startProcess({
        command: 'sh',
        // The group: the shell and a grandchild that would outlive it.
        args: ['-c', 'sleep 60 & echo "$PPID $!"; wait'],
        cwd: tmp.path,
        onStdoutLine: (line) => lines.push(line),
      });
      while (lines.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      const [parent, grandchild] = lines[0]!.split(' ').map(Number);
      expect(parent).toBe(helper);
      process.kill(helper, 'SIGKILL');
      const result = await handle.done;
      expect(result).toMatchObject({ spawned: true, termination: 'stopped' });
      expect(result.terminationReason).toMatch(/spawn helper exited/);
      expect(await waitForExit(result.pid as number)).toBe(true);
      expect(await waitForExit(grandchild as number)).toBe(true);
      // A new helper takes the next process.
      const next = await helperUp();
      expect(next).not.toBe(helper);
      expect(await runNode('process.exit(3)')).toMatchObject({ spawned: true, exitCode: 3, termination: 'exited' });
    });
  });
});
