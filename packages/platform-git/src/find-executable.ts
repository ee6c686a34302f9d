import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds an executable the way a shell would: a name containing a slash is checked as a path,
 * a bare name is looked up in each PATH directory. Returns the absolute path or null.
 */
export async function findExecutable(name: string, pathVariable: string | undefined): Promise<string | null> {
  if (!name) return null;
  if (name.includes('/') || name.includes('\\') || isAbsolute(name)) {
    const absolute = resolve(name);
    return (await isExecutableFile(absolute)) ? absolute : null;
  }
  for (const directory of (pathVariable ?? '').split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return null;
}
