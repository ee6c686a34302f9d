import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { gitCommandError } from './git-errors.js';
import { HELPER_NOT_STARTED, spawnHelper, type HelperRun } from './spawn-helper.js';

export interface CommandOptions {
  cwd?: string;
  /** Exit codes that are answers, not failures (e.g. 1 for `git diff --quiet`). Default [0]. */
  okExitCodes?: number[];
  /** The command talks to a remote: unexplained failures are then retryable. */
  network?: boolean;
  /** Extra variables on top of the runner's environment. */
  env?: Record<string, string | undefined>;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface CommandRunnerOptions {
  env: Record<string, string | undefined>;
  timeoutMs: number;
}

export type RunCommand = (binary: string, args: string[], options?: CommandOptions) => Promise<CommandResult>;

const MAX_BUFFER = 256 * 1024 * 1024;

// Every command runs in its own process group, so a timeout or a shutdown kills what it started too
// (git's remote helpers, ssh, hooks), not only the direct child.
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

/** Kills the process group of every command still running (shutdown). Their promises reject. */
export function killRunningCommands(): number {
  const children = [...running];
  for (const child of children) killGroup(child);
  return children.length + spawnHelper().killAll();
}

function track(child: ChildProcess): void {
  running.add(child);
  installExitHook();
}

function installExitHook(): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // However the process ends (signal handlers call exit too), no command outlives it.
    process.once('exit', () => killRunningCommands());
  }
}

interface Outcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  overflow: boolean;
  spawnError?: NodeJS.ErrnoException;
}

/** A command that runs: kill() ends its process group, `done` settles when it has ended. */
interface Started {
  kill(): void;
  done: Promise<Outcome>;
}

function startDirect(binary: string, args: string[], cwd: string | undefined, env: Record<string, string>): Started {
  const child = spawn(binary, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  track(child);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let size = 0;
  let overflow = false;
  const collect = (into: Buffer[]) => (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BUFFER) {
      overflow = true;
      killGroup(child);
      return;
    }
    into.push(chunk);
  };
  child.stdout?.on('data', collect(out));
  child.stderr?.on('data', collect(err));
  const done = new Promise<Outcome>((resolve) => {
    let settled = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      running.delete(child);
      // Whatever the command left behind in its group goes with it.
      if (spawnError === undefined) killGroup(child);
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        overflow,
        ...(spawnError ? { spawnError } : {}),
      });
    };
    child.on('error', (error: NodeJS.ErrnoException) => finish(null, null, error));
    child.on('close', (code, signal) => finish(code, signal));
  });
  return { kill: () => killGroup(child), done };
}

function startThroughHelper(
  run: HelperRun,
  binary: string,
  args: string[],
  cwd: string | undefined,
  env: Record<string, string>,
): Started {
  let direct: Started | null = null;
  let killed = false;
  const done = run.done.then((result): Outcome | Promise<Outcome> => {
    // The helper died before it got the command: it never ran, so it is started here.
    if (result.error?.code === HELPER_NOT_STARTED) {
      direct = startDirect(binary, args, cwd, env);
      if (killed) direct.kill();
      return direct.done;
    }
    return {
      exitCode: result.exitCode,
      signal: result.signal as NodeJS.Signals | null,
      stdout: result.stdout.toString('utf8'),
      stderr: result.stderr.toString('utf8'),
      overflow: result.overflow,
      ...(result.error
        ? { spawnError: Object.assign(new Error(result.error.message), { code: result.error.code }) }
        : {}),
    };
  });
  return {
    kill: () => {
      killed = true;
      if (direct) direct.kill();
      else run.kill();
    },
    done,
  };
}

/**
 * Runs a binary with an argument array (never through a shell) and turns failures into GitErrors.
 * The process is started by the spawn helper (spawn-helper.ts) once it is up, directly before that
 * and whenever it is not available: either way in its own process group, with the same environment.
 */
export function createCommandRunner(runnerOptions: CommandRunnerOptions): RunCommand {
  return async (binary, args, options = {}) => {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...runnerOptions.env, ...options.env })) {
      if (value !== undefined) env[key] = value;
    }
    installExitHook();
    const viaHelper = spawnHelper().run(binary, args, options.cwd, env, MAX_BUFFER);
    const started = viaHelper
      ? startThroughHelper(viaHelper, binary, args, options.cwd, env)
      : startDirect(binary, args, options.cwd, env);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      started.kill();
    }, runnerOptions.timeoutMs);
    const outcome = await started.done.finally(() => clearTimeout(timer));
    const { exitCode, signal, spawnError, overflow } = outcome;
    const stdout = outcome.stdout;
    const stderr = outcome.stderr + (overflow ? '\n(output larger than the buffer limit)' : '');
    if (
      spawnError === undefined &&
      !timedOut &&
      !overflow &&
      exitCode !== null &&
      (options.okExitCodes ?? [0]).includes(exitCode)
    ) {
      return { stdout, stderr, exitCode };
    }
    const enoent = spawnError?.code === 'ENOENT';
    throw gitCommandError({
      binary,
      args,
      cwd: options.cwd,
      exitCode,
      signal,
      stdout,
      stderr,
      timedOut,
      notFound: enoent && (options.cwd === undefined || existsSync(options.cwd)),
      cwdMissing: enoent && options.cwd !== undefined && !existsSync(options.cwd),
      network: options.network ?? false,
      cause: spawnError ?? new Error(`${binary} exited with ${exitCode ?? signal}`),
    });
  };
}
