/** A new random id (UUID v4) for jobs, runs and requests. WebCrypto: works in Node 20 and browsers. */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}
