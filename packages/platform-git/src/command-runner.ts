import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { gitCommandError } from './git-errors.js';

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
  return children.length;
}

function track(child: ChildProcess): void {
  running.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // However the process ends (signal handlers call exit too), no command outlives it.
    process.once('exit', () => killRunningCommands());
  }
}

/** Runs a binary with an argument array (never through a shell) and turns failures into GitErrors. */
export function createCommandRunner(runnerOptions: CommandRunnerOptions): RunCommand {
  return (binary, args, options = {}) =>
    new Promise((resolve, reject) => {
      const env: Record<string, string> = {};
      for (const [key, value] of Object.entries({ ...runnerOptions.env, ...options.env })) {
        if (value !== undefined) env[key] = value;
      }
      const child = spawn(binary, args, {
        cwd: options.cwd,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
      track(child);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      let timedOut = false;
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
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child);
      }, runnerOptions.timeoutMs);

      let settled = false;
      const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: NodeJS.ErrnoException) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        running.delete(child);
        // Whatever the command left behind in its group goes with it.
        if (spawnError === undefined) killGroup(child);
        const stdout = Buffer.concat(out).toString('utf8');
        const stderr =
          Buffer.concat(err).toString('utf8') + (overflow ? '\n(output larger than the buffer limit)' : '');
        if (
          spawnError === undefined &&
          !timedOut &&
          !overflow &&
          exitCode !== null &&
          (options.okExitCodes ?? [0]).includes(exitCode)
        ) {
          resolve({ stdout, stderr, exitCode });
          return;
        }
        const enoent = spawnError?.code === 'ENOENT';
        reject(
          gitCommandError({
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
          }),
        );
      };
      child.on('error', (error: NodeJS.ErrnoException) => finish(null, null, error));
      child.on('close', (code, signal) => finish(code, signal));
    });
}
