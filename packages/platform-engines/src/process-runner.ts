import { spawnDetached } from '@tasksgodzilla/platform-git';
import { StringDecoder } from 'node:string_decoder';
import { buildChildEnv } from './child-env.js';
import type { RunLog } from './run-log.js';

/** Why the process ended: on its own, or killed by the runner for one of these reasons. */
export type ProcessTermination = 'exited' | 'timeout' | 'stalled' | 'aborted' | 'stopped';

export interface ProcessRunOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  /**
   * Set in the child's environment (undefined removes). The rest comes from the parent through the
   * allow-list of child-env.ts: base variables, the engine's own (`engineId`) and `passEnv` names.
   */
  env?: Record<string, string | undefined>;
  /** Engine whose documented variables (credential, home) the child inherits; none when omitted. */
  engineId?: string | null;
  /** Names the project opted in to pass from the parent's environment, protected ones included. */
  passEnv?: readonly string[];
  /** The environment the allow-list picks from. Default `process.env`. */
  parentEnv?: Readonly<Record<string, string | undefined>>;
  /** Called once the child is spawned with its pid, which is also its process group id. */
  onStart?: (pid: number) => void;
  /** Text written to stdin, which is then closed; null/undefined gives the child an empty stdin. */
  stdin?: string | null;
  /** Receives every stdout line as-is and every stderr line prefixed `[stderr] `. */
  log?: RunLog | null;
  /** Wall-clock limit (termination `timeout`); null/0 = none. */
  timeoutMs?: number | null;
  /** Limit of silence on stdout and stderr (termination `stalled`); null/0 = none. */
  stallTimeoutMs?: number | null;
  /** Delay between SIGTERM and SIGKILL of the process group. Default 2000. */
  killGraceMs?: number;
  /** Aborting kills the process group (termination `aborted`). */
  signal?: AbortSignal;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
}

export interface ProcessRunResult {
  /** False when the process could not be started (see spawnError) or the signal was already aborted. */
  spawned: boolean;
  pid: number | null;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  termination: ProcessTermination;
  /** The reason given to `stop()`, or a description of the timeout/stall/abort. */
  terminationReason: string | null;
  spawnError: NodeJS.ErrnoException | null;
  durationMs: number;
  /** The last stderr lines (at most 20), for error messages. */
  stderrTail: string[];
}

export interface ProcessHandle {
  /** The process group id once the process has started (the spawn helper answers it a moment later); null before and when it could not start. */
  readonly pid: number | null;
  /** Kills the process group now (termination `stopped`), e.g. when a budget is exceeded. */
  stop(reason: string): void;
  readonly done: Promise<ProcessRunResult>;
}

const DEFAULT_KILL_GRACE_MS = 2000;
const STDERR_TAIL_LINES = 20;
// A single line longer than this is cut, so a runaway engine cannot exhaust memory.
const MAX_LINE_CHARS = 16 * 1024 * 1024;

/** Sends a signal to a whole process group; false when the group no longer exists. */
export function signalProcessGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  const emit = (line: string) => onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  return {
    push(chunk) {
      rest += decoder.write(chunk);
      let index = rest.indexOf('\n');
      while (index >= 0) {
        emit(rest.slice(0, index));
        rest = rest.slice(index + 1);
        index = rest.indexOf('\n');
      }
      if (rest.length > MAX_LINE_CHARS) {
        emit(rest);
        rest = '';
      }
    },
    end() {
      rest += decoder.end();
      if (rest.length > 0) emit(rest);
      rest = '';
    },
  };
}

/**
 * Starts a child process in its own process group (`detached: true`) and watches it: stall watchdog,
 * wall-clock limit, abort signal. Every kill goes to the whole group (SIGTERM, then SIGKILL after
 * the grace), and whatever is left of the group when the leader exits is killed too, so no
 * grandchild outlives the run. Never rejects.
 */
export function startProcess(options: ProcessRunOptions): ProcessHandle {
  const started = performance.now();
  const log = options.log ?? null;
  const stderrTail: string[] = [];
  const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;

  const result: ProcessRunResult = {
    spawned: false,
    pid: null,
    exitCode: null,
    signal: null,
    termination: 'exited',
    terminationReason: null,
    spawnError: null,
    durationMs: 0,
    stderrTail,
  };

  if (options.signal?.aborted) {
    log?.note('aborted before start');
    return {
      pid: null,
      stop: () => undefined,
      done: Promise.resolve({ ...result, termination: 'aborted', terminationReason: 'aborted before start' }),
    };
  }

  // Never the whole parent environment: an agent must not see the api's tokens (see child-env.ts).
  const env = buildChildEnv({
    parent: options.parentEnv ?? process.env,
    engineId: options.engineId ?? null,
    passthrough: options.passEnv ?? [],
    set: options.env ?? {},
  });
  let pid: number | null = null;

  let settled = false;
  let resolveDone: (value: ProcessRunResult) => void = () => undefined;
  const done = new Promise<ProcessRunResult>((resolve) => {
    resolveDone = resolve;
  });

  let stallTimer: NodeJS.Timeout | null = null;
  let wallTimer: NodeJS.Timeout | null = null;
  let killTimer: NodeJS.Timeout | null = null;
  let termSent = false;
  let leaderExited = false;

  const clearTimers = () => {
    if (stallTimer) clearTimeout(stallTimer);
    if (wallTimer) clearTimeout(wallTimer);
    if (killTimer) clearTimeout(killTimer);
    stallTimer = wallTimer = killTimer = null;
  };

  // Before the pid is known (the spawn helper answers it a moment after the start) a kill is only
  // recorded; onSpawn sends it.
  const killGroup = () => {
    termSent = true;
    if (pid === null) return;
    const group = pid;
    signalProcessGroup(group, 'SIGTERM');
    if (!killTimer) {
      killTimer = setTimeout(() => {
        if (signalProcessGroup(group, 0)) {
          log?.note(`process group ${group} still alive after ${killGraceMs}ms: SIGKILL`);
          signalProcessGroup(group, 'SIGKILL');
        }
      }, killGraceMs);
    }
  };

  const terminate = (termination: Exclude<ProcessTermination, 'exited'>, reason: string) => {
    if (settled || leaderExited || result.termination !== 'exited') return;
    result.termination = termination;
    result.terminationReason = reason;
    log?.note(`${reason}: killing process group ${pid ?? '?'}`);
    killGroup();
  };

  const onAbort = () => terminate('aborted', 'aborted by signal');

  const finish = () => {
    if (settled) return;
    settled = true;
    clearTimers();
    options.signal?.removeEventListener('abort', onAbort);
    // Leftover members that ignored SIGTERM must not survive the run.
    if (pid !== null && termSent && signalProcessGroup(pid, 0)) signalProcessGroup(pid, 'SIGKILL');
    result.durationMs = Math.round(performance.now() - started);
    resolveDone(result);
  };

  const stdout = lineSplitter((line) => {
    log?.line(line);
    options.onStdoutLine?.(line);
  });
  const stderr = lineSplitter((line) => {
    log?.line(`[stderr] ${line}`);
    stderrTail.push(line);
    if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    options.onStderrLine?.(line);
  });

  const activity = () => {
    stallTimer?.refresh();
  };

  spawnDetached(
    { binary: options.command, args: options.args, cwd: options.cwd, env, stdin: options.stdin ?? null },
    {
      onSpawn(started) {
        pid = started;
        result.pid = started;
        result.spawned = true;
        try {
          options.onStart?.(started);
        } catch (error) {
          log?.note(`onStart listener threw: ${error instanceof Error ? error.message : String(error)}`);
        }
        // A stop, timeout or abort that came before the pid.
        if (termSent) killGroup();
      },
      onStdout(chunk) {
        activity();
        stdout.push(chunk);
      },
      onStderr(chunk) {
        activity();
        stderr.push(chunk);
      },
      onExit(code, signal) {
        leaderExited = true;
        result.exitCode = code;
        result.signal = signal;
        // Grandchildren may still hold stdout open; the group goes with its leader.
        if (pid !== null && signalProcessGroup(pid, 0)) killGroup();
      },
      onClose(error) {
        stdout.end();
        stderr.end();
        if (error && pid === null) {
          result.spawnError = error;
          log?.note(`cannot start ${options.command}: ${error.message}`);
        } else if (error) {
          // The spawn helper died while the command ran: its group is killed, its output lost.
          log?.note(`${error.message}: process group ${pid} killed`);
          if (!leaderExited && result.termination === 'exited') {
            result.termination = 'stopped';
            result.terminationReason = error.message;
          }
        }
        finish();
      },
    },
  );

  if (options.stallTimeoutMs && options.stallTimeoutMs > 0) {
    const ms = options.stallTimeoutMs;
    stallTimer = setTimeout(() => terminate('stalled', `no output for ${ms}ms`), ms);
  }
  if (options.timeoutMs && options.timeoutMs > 0) {
    const ms = options.timeoutMs;
    wallTimer = setTimeout(() => terminate('timeout', `wall-clock limit of ${ms}ms reached`), ms);
  }
  options.signal?.addEventListener('abort', onAbort, { once: true });

  return {
    get pid() {
      return pid;
    },
    stop: (reason: string) => terminate('stopped', reason),
    done,
  };
}

/** startProcess, awaited. */
export function runProcess(options: ProcessRunOptions): Promise<ProcessRunResult> {
  return startProcess(options).done;
}
