import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A `git` stand-in that records every call, for specs that count the git processes a service starts. */
export interface GitRecorder {
  /** Path of the executable: pass it where a git binary is configurable (platform-git's `gitBinary`). */
  binary: string;
  /** The argument lists of the calls made so far, oldest first (`-c key=value` pairs included). */
  calls(): string[][];
  /** The calls with their leading `-c key=value` pairs left out: `['commit', '--quiet', …]`. */
  commands(): string[][];
  /** What `GIT_TRACE` wrote for those calls: every process git itself started shows as `run_command:`. */
  trace(): string;
  /** Forgets the calls and the trace recorded so far. */
  reset(): void;
}

const FIELD = '\u001f';
const RECORD = '\u001e';

/**
 * Writes `<dir>/git-recorder` (a shell script): it appends its arguments to `<dir>/git-calls.log`,
 * sets `GIT_TRACE=<dir>/git-trace.log` and runs the real `git` from PATH with the same arguments.
 */
export function createGitRecorder(dir: string): GitRecorder {
  const binary = join(dir, 'git-recorder');
  const log = join(dir, 'git-calls.log');
  const traceFile = join(dir, 'git-trace.log');
  // One printf per call (one append), so calls running side by side do not interleave.
  writeFileSync(
    binary,
    [
      '#!/bin/sh',
      'entry=""',
      `sep=$(printf '\\037')`,
      'for arg in "$@"; do entry="$entry$arg$sep"; done',
      `printf '%s\\036' "$entry" >> '${log}'`,
      `GIT_TRACE='${traceFile}'`,
      'export GIT_TRACE',
      'exec git "$@"',
      '',
    ].join('\n'),
  );
  chmodSync(binary, 0o755);
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  const calls = () =>
    read(log)
      .split(RECORD)
      .filter((entry) => entry !== '')
      .map((entry) => entry.split(FIELD).slice(0, -1));
  return {
    binary,
    calls,
    commands: () =>
      calls().map((args) => {
        let start = 0;
        while (args[start] === '-c') start += 2;
        return args.slice(start);
      }),
    trace: () => read(traceFile),
    reset: () => {
      writeFileSync(log, '');
      writeFileSync(traceFile, '');
    },
  };
}
