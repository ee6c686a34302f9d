import { fingerprintFile } from '@tasksgodzilla/platform-git';

/** The original's `prompt_version`: `unknown` without a path, else the file fingerprint. */
export async function promptVersion(path: string | null | undefined): Promise<string> {
  return path ? fingerprintFile(path) : 'unknown';
}
