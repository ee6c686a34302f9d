import { readFile } from 'node:fs/promises';
import { sha256Hex } from '@tasksgodzilla/core';

/** SHA-256 of the text (UTF-8) or bytes, first 12 hex chars: the original's `fingerprint_text`. */
export function fingerprintText(text: string | Uint8Array): string {
  return sha256Hex(text).slice(0, 12);
}

/** Fingerprint of a file's bytes; `missing` when it does not exist (the original's `fingerprint_file`). */
export async function fingerprintFile(path: string): Promise<string> {
  try {
    return fingerprintText(await readFile(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}
