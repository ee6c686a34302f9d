import { nodeBuiltin } from './node-builtin.js';

/** What sha256Hex uses of node:crypto (typed here: core is also compiled for the browser, without Node's types). */
interface NodeHashing {
  createHash(algorithm: 'sha256'): { update(data: string | Uint8Array): { digest(encoding: 'hex'): string } };
}

/**
 * SHA-256 of `data` (a string is hashed as UTF-8) as lowercase hex. node:crypto is loaded by the first
 * call, not when this module is imported: the apps are bundles whose imports all run at start, and
 * loading node:crypto initialises OpenSSL, about 0.7 MiB of an idle worker's RSS (issue 12). Node.js only.
 */
export function sha256Hex(data: string | Uint8Array): string {
  const crypto = nodeBuiltin<NodeHashing>('node:crypto');
  if (!crypto) throw new Error('sha256Hex needs Node.js (node:crypto)');
  return crypto.createHash('sha256').update(data).digest('hex');
}
