import { constants } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Whether anything (file, folder, link) is at `path`. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Copies `source` to `target` unless something is already there (never overwrites, even when the
 * target appears between the check and the copy: theirs wins), with the source's mode, plus the
 * execute bits when `executable`. Returns whether it copied.
 */
export async function copyIfAbsent(
  source: string,
  target: string,
  options: { executable?: boolean } = {},
): Promise<boolean> {
  if (await pathExists(target)) return false;
  await mkdir(dirname(target), { recursive: true });
  try {
    await copyFile(source, target, constants.COPYFILE_EXCL);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  const mode = (await stat(source)).mode & 0o777;
  await chmod(target, options.executable ? mode | 0o755 : mode);
  return true;
}
