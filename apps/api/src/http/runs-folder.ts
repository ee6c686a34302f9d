import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { confinedPath } from './confined-path.js';
import { HttpError } from './http-errors.js';

// Run logs live under the runs folder (CODEX_RUNS_DIR). The original let `log_path` name any file
// on the server, for writing and for reading (defect 2); here every path is confined to the folder,
// symlinks included.

/** `candidate` (relative paths are taken from the runs folder) as an absolute path inside it, else null. */
export function resolveInRunsDir(runsDir: string, candidate: string): string | null {
  const path = confinedPath(runsDir, candidate);
  return path === resolve(runsDir) ? null : path;
}

/**
 * Creates the log file (and its folders) for a run started through the api. A path outside the
 * runs folder, or one that resolves outside it through a symlink, is a 422 on `log_path`.
 */
export async function createRunLog(runsDir: string, candidate: string): Promise<string> {
  const outside = new HttpError(422, 'log_path must be inside the runs folder', 'log_path_outside_runs');
  const path = resolveInRunsDir(runsDir, candidate);
  if (!path) throw outside;
  try {
    await mkdir(dirname(path), { recursive: true });
    // Checked again once its folders exist: a symlink among them (or the file, dangling or not) must not lead out.
    if (!resolveInRunsDir(runsDir, path)) throw outside;
    const handle = await open(path, 'a');
    await handle.close();
  } catch (error) {
    throw unusablePath(error) ?? error;
  }
  return path;
}

/** File-system refusals caused by the path itself (a folder, a name too long, a file where a folder must be). */
const PATH_ERRORS = new Set([
  'ENAMETOOLONG',
  'EISDIR',
  'ENOTDIR',
  'EEXIST',
  'ELOOP',
  'EINVAL',
  'ERR_INVALID_ARG_VALUE',
  'ERR_INVALID_ARG_TYPE',
]);

function unusablePath(error: unknown): HttpError | null {
  if (error instanceof HttpError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && PATH_ERRORS.has(code)
    ? new HttpError(422, `log_path cannot be used as a log file (${code})`, 'log_path_unusable')
    : null;
}

/**
 * Opens a recorded log for reading (recorded paths are absolute, or relative to the working folder
 * as the services wrote them): 400 when it lies outside the runs folder, 404 when it is missing.
 */
export async function openRunLog(runsDir: string, recorded: string): Promise<ReadStream> {
  const path = confinedPath(runsDir, resolve(recorded));
  if (!path) throw new HttpError(400, 'Log path is outside the runs folder', 'log_path_outside_runs');
  const info = await stat(path).catch(() => null);
  if (!info || !info.isFile()) throw new HttpError(404, 'Log file not found', 'log_not_found');
  return createReadStream(path);
}
