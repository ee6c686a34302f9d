import { errorMessage } from '@tasksgodzilla/core';
import { openRunLog, runProcess } from '@tasksgodzilla/platform-engines';
import type { CheckResult } from './quality.types.js';

const OUTPUT_TAIL_LINES = 40;

export interface RunChecksOptions {
  cwd: string;
  /** Log the commands and their output are appended to (the job's run log). */
  logPath: string | null;
  timeoutMs: number;
  stallTimeoutMs: number;
  signal?: AbortSignal;
  /** Shell used as `<shell> -e -o pipefail -c <command>` (as the shell engine runs blocks). Default `bash`. */
  shell?: string;
  /** The project's opted-in environment (platform-engines `projectEngineIsolation`), on top of the allow-list. */
  env?: Record<string, string>;
  passEnv?: readonly string[];
  /** Applied to the run log and to each check's output tail. */
  redact?: (text: string) => string;
}

/** A check result with why it did not pass, when it stopped early. */
export interface CheckRun extends CheckResult {
  timed_out: boolean;
  /** Set when the command was stopped (timeout, stall, abort) or could not start. */
  error: string | null;
}

/**
 * Runs each check command in the worktree, one after the other, through platform-engines' process
 * runner (own process group, wall-clock and stall limits, output into the run log). Every check
 * runs even after one fails, so the report shows them all; an abort stops the rest.
 */
export async function runChecks(commands: readonly string[], options: RunChecksOptions): Promise<CheckRun[]> {
  const results: CheckRun[] = [];
  const shell = options.shell ?? 'bash';
  for (const command of commands) {
    if (options.signal?.aborted) {
      results.push({
        command,
        exit_code: null,
        passed: false,
        output_tail: '',
        timed_out: false,
        error: 'aborted before start',
      });
      continue;
    }
    const tail: string[] = [];
    const keep = (line: string) => {
      tail.push(line);
      if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
    };
    const redact = options.redact ?? ((text: string) => text);
    const log = openRunLog(options.logPath, redact);
    log.note(`qa check: ${command}`);
    try {
      const run = await runProcess({
        command: shell,
        args: ['-e', '-o', 'pipefail', '-c', command],
        cwd: options.cwd,
        env: options.env ?? {},
        passEnv: options.passEnv ?? [],
        log,
        timeoutMs: options.timeoutMs,
        stallTimeoutMs: options.stallTimeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
        onStdoutLine: keep,
        onStderrLine: keep,
      });
      let error: string | null = null;
      if (run.spawnError) error = `cannot start ${shell}: ${run.spawnError.message}`;
      else if (run.termination !== 'exited') error = run.terminationReason ?? run.termination;
      const passed = error === null && run.exitCode === 0;
      log.note(`qa check ${passed ? 'passed' : 'failed'}: exit ${run.exitCode ?? 'none'}${error ? ` (${error})` : ''}`);
      results.push({
        command,
        exit_code: run.exitCode,
        passed,
        output_tail: redact(tail.join('\n')),
        timed_out: run.termination === 'timeout' || run.termination === 'stalled',
        error,
      });
    } catch (error) {
      results.push({
        command,
        exit_code: null,
        passed: false,
        output_tail: redact(tail.join('\n')),
        timed_out: false,
        error: errorMessage(error),
      });
    } finally {
      log.close();
    }
  }
  return results;
}
