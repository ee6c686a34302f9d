import { execFile } from 'node:child_process';
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

/** Runs a binary with an argument array (never through a shell) and turns failures into GitErrors. */
export function createCommandRunner(runnerOptions: CommandRunnerOptions): RunCommand {
  return (binary, args, options = {}) =>
    new Promise((resolve, reject) => {
      const env: Record<string, string> = {};
      for (const [key, value] of Object.entries({ ...runnerOptions.env, ...options.env })) {
        if (value !== undefined) env[key] = value;
      }
      execFile(
        binary,
        args,
        { cwd: options.cwd, env, encoding: 'utf8', maxBuffer: MAX_BUFFER, timeout: runnerOptions.timeoutMs, windowsHide: true },
        (error, stdout, stderr) => {
          if (!error) {
            resolve({ stdout, stderr, exitCode: 0 });
            return;
          }
          const failure = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean; signal?: NodeJS.Signals | null };
          const exitCode = typeof failure.code === 'number' ? failure.code : null;
          if (exitCode !== null && (options.okExitCodes ?? [0]).includes(exitCode)) {
            resolve({ stdout, stderr, exitCode });
            return;
          }
          reject(
            gitCommandError({
              binary,
              args,
              cwd: options.cwd,
              exitCode,
              signal: failure.signal ?? null,
              stdout: String(stdout ?? ''),
              stderr: String(stderr ?? ''),
              timedOut: failure.killed === true && exitCode === null,
              notFound: failure.code === 'ENOENT' && (options.cwd === undefined || existsSync(options.cwd)),
              cwdMissing: failure.code === 'ENOENT' && options.cwd !== undefined && !existsSync(options.cwd),
              network: options.network ?? false,
              cause: error,
            }),
          );
        },
      );
    });
}
