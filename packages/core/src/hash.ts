/**
 * SHA-256 of `data` (a string is hashed as UTF-8) as lowercase hex. node:crypto is loaded by the first
 * call, not when this module is imported: the apps are bundles whose imports all run at start, and
 * loading node:crypto initialises OpenSSL, 2.2 MiB of an idle worker's RSS (issue 12).
 */
export function sha256Hex(data: string | Uint8Array): string {
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(data).digest('hex');
}
