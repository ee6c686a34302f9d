import { spawn, type ChildProcess } from 'node:child_process';

/**
 * The spawn helper: a small Node process, started once, that forks and execs commands on the
 * runner's behalf. A fork of the api or worker (~90 MB resident, its heap busy) copies its page
 * tables and write-protects every page; each page the process writes afterwards then takes a fault.
 * On a virtual machine whose page faults are costly that was 6–8 ms of the api's own CPU per git
 * command, on its event loop; the helper, small and idle between commands, pays a fraction of it
 * (issue 12, README "Spawn helper"). Each command still runs in its own process group (the helper
 * starts it detached), with exactly the environment the runner gives it; the helper's own
 * environment is empty. When the helper is not up yet, has died, or is turned off
 * (`TASKSGODZILLA_SPAWN_HELPER=off`), `run` answers null and the runner spawns the command itself.
 */

/** What the helper answers for one command. */
export interface HelperResult {
  exitCode: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: Buffer;
  overflow: boolean;
  /** The spawn failed (`ENOENT`: no such binary or directory), or the helper died while it ran. */
  error: { code?: string; message: string } | null;
}

/** One command started through the helper. */
export interface HelperRun {
  /** SIGKILLs the command's process group (as soon as its pid is known). */
  kill(): void;
  done: Promise<HelperResult>;
}

/** What a streamed command (`SpawnHelper.stream`, `spawnDetached`) reports, in this order. */
export interface DetachedHandlers {
  /** The process is started: its pid, which is also its process group id. Not called when it could not start. */
  onSpawn(pid: number): void;
  onStdout(chunk: Buffer): void;
  onStderr(chunk: Buffer): void;
  /** The process exited (its output may still be coming). */
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
  /**
   * Last call: every output chunk was delivered. `error` when the process could not be started
   * (`onSpawn` never came, e.g. ENOENT) or the spawn helper died while it ran (`ESPAWNHELPER`: its
   * output is lost and its group was killed).
   */
  onClose(error: NodeJS.ErrnoException | null): void;
}

/** A command to start detached, in its own process group. */
export interface DetachedSpec {
  binary: string;
  args: readonly string[];
  cwd?: string;
  /** The child's whole environment. */
  env: Record<string, string>;
  /** Written to stdin, which is then closed; null gives the child no stdin. */
  stdin: string | null;
}

export interface SpawnHelper {
  /**
   * Starts a command through the helper with its output streamed back (engines, QA checks); false when
   * the helper cannot take it (spawn it directly). A command the helper never got ends with
   * `onClose(HELPER_NOT_STARTED)` and nothing else: start it directly then.
   */
  stream(spec: DetachedSpec, handlers: DetachedHandlers): boolean;
  /** Starts a command through the helper; null when the helper cannot take it (spawn it directly). */
  run(
    binary: string,
    args: string[],
    cwd: string | undefined,
    env: Record<string, string>,
    maxBuffer: number,
  ): HelperRun | null;
  /** SIGKILLs the groups of every command the helper is running (shutdown); how many there were. */
  killAll(): number;
  /** Resolves true once the helper takes commands, false when it cannot be started. */
  ready(): Promise<boolean>;
  /** The helper's pid while it runs. */
  pid(): number | null;
}

// The helper's program (`node -e`): spawn what it is asked to, detached; say it got the command before
// starting it, then answer its pid, then its output.
const HELPER_SOURCE = `
const { spawn } = require('node:child_process');
const running = new Map();
const killGroup = (child) => { try { process.kill(-child.pid, 'SIGKILL'); } catch {} };
const errorOf = (error) => ({ code: error.code, message: String(error.message) });
// A streamed command: its output goes back chunk by chunk; the runner signals its group itself.
const stream = (m) => {
  process.send({ t: 'got', id: m.id });
  let child;
  try {
    child = spawn(m.binary, m.args, { cwd: m.cwd, env: m.env, detached: true,
      stdio: [m.stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'], windowsHide: true });
  } catch (error) { process.send({ t: 'closed', id: m.id, error: errorOf(error) }); return; }
  let spawnError = null;
  child.on('error', (error) => { if (child.pid === undefined) spawnError = error; });
  if (child.pid !== undefined) { running.set(m.id, child); process.send({ t: 'pid', id: m.id, pid: child.pid }); }
  // Backpressure: while the channel holds unsent output, the child's pipes wait (as they would for a
  // runner reading them itself), so a flood of output does not pile up in the helper's memory.
  const resume = () => { child.stdout.resume(); child.stderr.resume(); };
  const forward = (fd) => (chunk) => {
    if (!process.send({ t: 'out', id: m.id, fd, chunk }, resume)) { child.stdout.pause(); child.stderr.pause(); }
  };
  child.stdout.on('data', forward(1));
  child.stderr.on('data', forward(2));
  if (child.stdin) { child.stdin.on('error', () => {}); child.stdin.end(m.stdin); }
  child.on('exit', (code, signal) => process.send({ t: 'exit', id: m.id, code, signal }));
  child.on('close', () => {
    running.delete(m.id);
    process.send({ t: 'closed', id: m.id, error: spawnError ? errorOf(spawnError) : null });
  });
};
process.on('message', (m) => {
  if (m.t === 'kill') { const child = running.get(m.id); if (child) killGroup(child); return; }
  if (m.t === 'start') { stream(m); return; }
  const out = []; const err = []; let size = 0; let overflow = false; let settled = false; let child;
  process.send({ t: 'got', id: m.id });
  const finish = (exitCode, signal, error) => {
    if (settled) return;
    settled = true;
    running.delete(m.id);
    if (!error) killGroup(child);
    process.send({ t: 'done', id: m.id, exitCode, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err), overflow,
      error: error ? errorOf(error) : null });
  };
  try {
    child = spawn(m.binary, m.args, { cwd: m.cwd, env: m.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  } catch (error) { finish(null, null, error); return; }
  running.set(m.id, child);
  if (child.pid !== undefined) process.send({ t: 'pid', id: m.id, pid: child.pid });
  const collect = (into) => (chunk) => {
    size += chunk.length;
    if (size > m.max) { overflow = true; killGroup(child); return; }
    into.push(chunk);
  };
  child.stdout.on('data', collect(out));
  child.stderr.on('data', collect(err));
  child.on('error', (error) => finish(null, null, error));
  child.on('close', (code, signal) => finish(code, signal));
});
process.on('disconnect', () => { for (const child of running.values()) killGroup(child); process.exit(0); });
process.send({ t: 'ready' });
`;

/** `HelperResult.error.code` of a command the helper never got (it died first): start it directly. */
export const HELPER_NOT_STARTED = 'ESPAWNHELPER_NOT_STARTED';

// A helper that dies is restarted on a later command; after this many deaths the runner spawns itself.
const MAX_STARTS = 3;

interface Pending {
  /** A buffered command's answer (`run`). */
  resolve: ((result: HelperResult) => void) | null;
  /** A streamed command's handlers (`stream`). */
  stream: DetachedHandlers | null;
  /** The helper said it got the command: from then on it may have started it. */
  received: boolean;
  pid: number | null;
  killRequested: boolean;
}

type Message =
  | { t: 'ready' }
  | { t: 'got'; id: number }
  | { t: 'pid'; id: number; pid: number }
  | { t: 'out'; id: number; fd: 1 | 2; chunk: Uint8Array }
  | { t: 'exit'; id: number; code: number | null; signal: NodeJS.Signals | null }
  | { t: 'closed'; id: number; error: { code?: string; message: string } | null }
  | ({ t: 'done'; id: number } & Omit<HelperResult, 'stdout' | 'stderr'> & { stdout: Uint8Array; stderr: Uint8Array });

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function errnoError(error: { code?: string; message: string }): NodeJS.ErrnoException {
  return Object.assign(new Error(error.message), error.code === undefined ? {} : { code: error.code });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

function createSpawnHelper(): SpawnHelper {
  const disabled = process.env.TASKSGODZILLA_SPAWN_HELPER === 'off';
  let child: ChildProcess | null = null;
  let up = false;
  let starts = 0;
  let nextId = 0;
  const pending = new Map<number, Pending>();
  let waiters: Array<(ok: boolean) => void> = [];

  const settleWaiters = (ok: boolean) => {
    const list = waiters;
    waiters = [];
    for (const waiter of list) waiter(ok);
  };

  // The channel keeps the event loop alive only while a command is out.
  const holdLoop = () => {
    const channel = child?.channel;
    if (!channel) return;
    if (pending.size > 0) channel.ref();
    else channel.unref();
  };

  function gone(which: ChildProcess): void {
    if (child !== which) return;
    child = null;
    up = false;
    // Runs once the channel is closed, so every message the helper wrote has been read. A command it
    // never said it got never ran: the runner starts it itself. One it got may have been started,
    // even with no pid back (it can die between its fork and its answer): it is failed, never
    // started a second time, and its group killed when its pid is known.
    for (const [id, entry] of pending) {
      if (entry.pid !== null) killGroup(entry.pid);
      pending.delete(id);
      if (entry.stream) {
        entry.stream.onClose(
          errnoError(
            !entry.received
              ? { code: HELPER_NOT_STARTED, message: 'the spawn helper exited before getting the command' }
              : { code: 'ESPAWNHELPER', message: 'the spawn helper exited while the command ran' },
          ),
        );
        continue;
      }
      entry.resolve?.({
        exitCode: null,
        signal: null,
        stdout: Buffer.alloc(0),
        stderr: Buffer.alloc(0),
        overflow: false,
        error: !entry.received
          ? { code: HELPER_NOT_STARTED, message: 'the spawn helper exited before getting the command' }
          : { code: 'ESPAWNHELPER', message: 'the spawn helper exited while the command ran' },
      });
    }
    settleWaiters(false);
  }

  function start(): void {
    if (disabled || child !== null || starts >= MAX_STARTS) return;
    starts += 1;
    let started: ChildProcess;
    try {
      started = spawn(process.execPath, ['-e', HELPER_SOURCE], {
        env: {},
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
        serialization: 'advanced',
        windowsHide: true,
      });
    } catch {
      settleWaiters(false);
      return;
    }
    child = started;
    started.unref();
    started.channel?.unref();
    started.on('message', (message: Message) => {
      if (message.t === 'ready') {
        up = true;
        settleWaiters(true);
        return;
      }
      const entry = pending.get(message.id);
      if (!entry) return;
      if (message.t === 'got') {
        entry.received = true;
        return;
      }
      switch (message.t) {
        case 'pid':
          entry.pid = message.pid;
          if (entry.killRequested) killGroup(message.pid);
          entry.stream?.onSpawn(message.pid);
          return;
        case 'out':
          if (message.fd === 1) entry.stream?.onStdout(asBuffer(message.chunk));
          else entry.stream?.onStderr(asBuffer(message.chunk));
          return;
        case 'exit':
          entry.stream?.onExit(message.code, message.signal);
          return;
        case 'closed':
          pending.delete(message.id);
          holdLoop();
          entry.stream?.onClose(message.error ? errnoError(message.error) : null);
          return;
        default:
          break;
      }
      pending.delete(message.id);
      holdLoop();
      entry.resolve?.({
        exitCode: message.exitCode,
        signal: message.signal,
        stdout: asBuffer(message.stdout),
        stderr: asBuffer(message.stderr),
        overflow: message.overflow,
        error: message.error,
      });
    });
    // 'exit' can come before the last messages are read: while the channel is open, wait for it to close.
    const ended = () => {
      if (!started.connected) gone(started);
    };
    started.on('error', ended);
    started.on('exit', ended);
    started.on('disconnect', () => gone(started));
  }

  return {
    stream(spec, handlers) {
      if (!up || child === null || !child.connected) {
        start();
        return false;
      }
      const id = ++nextId;
      pending.set(id, { resolve: null, stream: handlers, received: false, pid: null, killRequested: false });
      holdLoop();
      try {
        child.send({
          t: 'start',
          id,
          binary: spec.binary,
          args: spec.args,
          cwd: spec.cwd,
          env: spec.env,
          stdin: spec.stdin,
        });
      } catch {
        pending.delete(id);
        holdLoop();
        return false;
      }
      return true;
    },
    run(binary, args, cwd, env, maxBuffer) {
      if (!up || child === null || !child.connected) {
        start();
        return null;
      }
      const id = ++nextId;
      const helper = child;
      let entry!: Pending;
      const done = new Promise<HelperResult>((resolve) => {
        entry = { resolve, stream: null, received: false, pid: null, killRequested: false };
      });
      pending.set(id, entry);
      holdLoop();
      try {
        helper.send({ t: 'run', id, binary, args, cwd, env, max: maxBuffer });
      } catch {
        pending.delete(id);
        holdLoop();
        return null;
      }
      return {
        kill() {
          if (entry.pid !== null) {
            killGroup(entry.pid);
            return;
          }
          entry.killRequested = true;
          try {
            helper.send({ t: 'kill', id });
          } catch {
            // the helper is gone: gone() reports the command
          }
        },
        done,
      };
    },
    killAll() {
      let count = 0;
      for (const entry of pending.values()) {
        count += 1;
        if (entry.pid !== null) killGroup(entry.pid);
        else entry.killRequested = true;
      }
      return count;
    },
    ready() {
      if (up) return Promise.resolve(true);
      start();
      if (child === null) return Promise.resolve(false);
      return new Promise((resolve) => waiters.push(resolve));
    },
    pid() {
      return child?.pid ?? null;
    },
  };
}

let shared: SpawnHelper | null = null;

/** The process's spawn helper (one per process, started by its first command). */
export function spawnHelper(): SpawnHelper {
  shared ??= createSpawnHelper();
  return shared;
}
