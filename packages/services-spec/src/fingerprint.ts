import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** The original's `fingerprint_text`: SHA-256 of the UTF-8 text, first 12 hex chars. */
export function fingerprintText(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** The original's `fingerprint_file`: over the raw bytes; `missing` when the file does not exist. */
export async function fingerprintFile(path: string): Promise<string> {
  try {
    return fingerprintText(await readFile(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}
