import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ValidationError } from '@tasksgodzilla/core';

const MAX_FILENAME_LENGTH = 120;

/**
 * Makes an agent-supplied step file name safe to write inside the protocol folder: directories,
 * `..`, control characters, leading dots and dashes and odd characters are removed, so
 * `../../etc/01-setup.md` becomes `01-setup.md`. A name with nothing usable left is rejected.
 */
export function sanitizeStepFilename(name: string): string {
  const original = String(name);
  const withoutControls = original
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  const base = withoutControls.split(/[/\\]/).pop() ?? '';
  let cleaned = base
    .trim()
    .replace(/\s+/g, '-')
    .replace(/[^\p{L}\p{N}._-]/gu, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/-+\./g, '.')
    .replace(/^[.\-_]+/, '')
    .replace(/[.\-\s]+$/, '');
  if (cleaned.length > MAX_FILENAME_LENGTH) {
    const dot = cleaned.lastIndexOf('.');
    const extension = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
    cleaned = cleaned.slice(0, MAX_FILENAME_LENGTH - extension.length).replace(/[.-]+$/, '') + extension;
  }
  if (!cleaned || !/[\p{L}\p{N}]/u.test(cleaned)) {
    throw new ValidationError(`Invalid step file name: ${JSON.stringify(original)}`, [
      { path: ['filename'], message: 'nothing usable is left after removing directories, dots and control characters' },
    ]);
  }
  return cleaned;
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Where `path` really points: symlinks of the existing part resolved, including dangling ones
 * (writing through a dangling link would create its target), the missing rest appended.
 */
function realpathLoose(path: string, depth = 0): string {
  if (depth > 40)
    throw new ValidationError(`Too many symlinks: ${path}`, [{ path: ['path'], message: 'symlink loop' }]);
  let stats;
  try {
    stats = lstatSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realpathLoose(parent, depth), basename(path));
  }
  // realpath(3) (`.native`): one system call where `realpathSync` lstats every component in JavaScript.
  if (!stats.isSymbolicLink()) return realpathSync.native(path);
  try {
    return realpathSync.native(path);
  } catch {
    return realpathLoose(resolve(dirname(path), readlinkSync(path)), depth + 1);
  }
}

/**
 * Resolves `relPath` against `root` and throws a ValidationError when the result would be outside
 * `root`: `..` segments, absolute paths elsewhere, NUL bytes, or symlinks (of the path or any of its
 * existing parents) that point outside. Returns the absolute, not symlink-resolved path.
 */
export function resolveInside(root: string, relPath: string): string {
  const fail = (reason: string): never => {
    throw new ValidationError(`Path escapes ${root}: ${JSON.stringify(relPath)}`, [
      { path: ['path'], message: reason },
    ]);
  };
  if (typeof relPath !== 'string' || relPath.length === 0) fail('path is empty');
  if (relPath.includes('\0')) fail('path contains a NUL byte');
  const absoluteRoot = resolve(root);
  const target = resolve(absoluteRoot, relPath);
  if (!isInside(absoluteRoot, target)) fail('path leaves the folder');
  if (existsSync(absoluteRoot)) {
    const realRoot = realpathSync.native(absoluteRoot);
    if (!isInside(realRoot, realpathLoose(target))) fail('path leaves the folder through a symlink');
  }
  return target;
}
