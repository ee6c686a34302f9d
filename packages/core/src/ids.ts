import { nodeBuiltin } from './node-builtin.js';

/** A new random id (UUID v4) for jobs, runs and requests. WebCrypto: works in Node 20 and browsers. */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}

/** The kernel's random source read by randomHex (Linux, macOS and the BSDs have it). */
const KERNEL_RANDOM = '/dev/urandom';

/**
 * `bytes` random bytes as lowercase hex, for names that must not collide between processes (worker
 * ids, lease owners, wake-up socket names). Read from the kernel's random source, so that a process
 * which needs no hash and no cipher never loads node:crypto: loading it initialises OpenSSL, about
 * 0.7 MiB of an idle worker's RSS (2.2 MiB in a bare node; issue 12). Where that source cannot be read
 * (a browser, Windows), WebCrypto.
 */
export function randomHex(bytes: number): string {
  if (!Number.isInteger(bytes) || bytes < 1)
    throw new RangeError(`randomHex: bytes must be a positive integer, got ${bytes}`);
  const buffer = new Uint8Array(bytes);
  if (!readKernelRandom(buffer)) globalThis.crypto.getRandomValues(buffer);
  let hex = '';
  for (const byte of buffer) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** What readKernelRandom uses of node:fs (typed here: core is also compiled for the browser, without Node's types). */
interface KernelFs {
  openSync(path: string, flags: string): number;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: null): number;
  closeSync(fd: number): void;
}

/** Fills `buffer` from KERNEL_RANDOM; false when there is no such source here (nothing read). */
function readKernelRandom(buffer: Uint8Array): boolean {
  const fs = nodeBuiltin<KernelFs>('node:fs');
  if (!fs) return false;
  let fd: number;
  try {
    fd = fs.openSync(KERNEL_RANDOM, 'r');
  } catch {
    return false;
  }
  try {
    let read = 0;
    while (read < buffer.length) {
      const count = fs.readSync(fd, buffer, read, buffer.length - read, null);
      if (count <= 0) return false;
      read += count;
    }
    return true;
  } finally {
    fs.closeSync(fd);
  }
}
