import { writeSync } from 'node:fs';

/** Above this many pending characters a batch is written at once instead of at the end of the turn. */
const MAX_PENDING_CHARS = 64 * 1024;
const RETRY_WAIT_MS = 1;

export interface BatchedFdDestination {
  /** Queues one or more lines; they reach the file descriptor at the end of this event-loop turn. */
  write(text: string): void;
  /** Writes every queued line now (synchronously). */
  flush(callback?: (error?: Error | null) => void): void;
  /** Writes every queued line now and stops the exit hook; later writes go out synchronously. */
  close(): void;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// What to do about a failed write: wait and retry (a full non-blocking pipe), drop (nobody reads any
// more: never crash the process over a log line) or throw.
function onWriteError(error: unknown): 'retry' | 'drop' {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EAGAIN' || code === 'EBUSY') {
    sleepSync(RETRY_WAIT_MS);
    return 'retry';
  }
  if (code === 'EPIPE' || code === 'EBADF') return 'drop';
  throw error;
}

function writeAll(fd: number, text: string): void {
  // The common case, the whole text in one write, needs no Buffer copy of it.
  let buffer: Buffer;
  try {
    const written = writeSync(fd, text);
    if (written === Buffer.byteLength(text)) return;
    buffer = Buffer.from(text, 'utf8').subarray(written);
  } catch (error) {
    if (onWriteError(error) === 'drop') return;
    buffer = Buffer.from(text, 'utf8');
  }
  while (buffer.length > 0) {
    try {
      buffer = buffer.subarray(writeSync(fd, buffer));
    } catch (error) {
      if (onWriteError(error) === 'drop') return;
    }
  }
}

/**
 * Lines for a file descriptor, batched: every line written during one event-loop turn goes out in
 * one synchronous write at the end of the turn (setImmediate), or at once past 64 KiB. Nothing is
 * ever in flight asynchronously, and the process's `exit` event (process.exit, an uncaught error,
 * the end of the loop) writes what is still queued, so a line logged before the process ends is not
 * lost. Only a kill that skips `exit` (SIGKILL, abort) can drop the lines of the current turn.
 */
export function createBatchedFdDestination(fd: number): BatchedFdDestination {
  let pending = '';
  let scheduled = false;
  let closed = false;
  const flushNow = (): void => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    writeAll(fd, text);
  };
  const onExit = (): void => flushNow();
  process.on('exit', onExit);
  return {
    write(text: string) {
      if (closed) return writeAll(fd, text);
      pending += text;
      if (pending.length >= MAX_PENDING_CHARS) flushNow();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flushNow).unref();
      }
    },
    flush(callback) {
      flushNow();
      callback?.(null);
    },
    close() {
      flushNow();
      closed = true;
      process.removeListener('exit', onExit);
    },
  };
}

let stderr: BatchedFdDestination | undefined;

/** The process's one batched stderr destination (shared by every logger that writes to stderr). */
export function stderrDestination(): BatchedFdDestination {
  stderr ??= createBatchedFdDestination(2);
  return stderr;
}
