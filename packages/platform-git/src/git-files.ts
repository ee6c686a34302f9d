import { readFileSync, realpathSync, statSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { isAbsolute, join, resolve } from 'node:path';

// Answers read from the few files git keeps for a checkout (`.git`, `HEAD`, `commondir`), so the
// per-step path does not spawn git for facts that do not change while a step runs. Each reader
// returns null when the files do not look exactly as expected; the caller then asks git itself.

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function real(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/**
 * The git dir of a checkout whose top level is `folder`: `<folder>/.git` when it is a directory with a
 * HEAD, the target of a `gitdir: …` file (a linked worktree) when that target has a HEAD; else null.
 */
export function gitDirFromFiles(folder: string): string | null {
  const dotGit = join(folder, '.git');
  if (isDirectory(dotGit)) return readText(join(dotGit, 'HEAD')) === null ? null : real(dotGit);
  const pointer = readText(dotGit);
  const match = pointer === null ? null : /^gitdir: (.+)\n?$/.exec(pointer);
  if (!match?.[1]) return null;
  const target = isAbsolute(match[1]) ? match[1] : resolve(folder, match[1]);
  return readText(join(target, 'HEAD')) === null ? null : real(target);
}

/**
 * True when `worktree` is a linked worktree of the repository whose main checkout is `repo`, with
 * `branch` checked out: its git dir is one of the repository's worktree entries (`commondir` leads
 * back to the repository's git dir) and its HEAD names `refs/heads/<branch>`.
 */
export function isWorktreeOfBranch(repo: string, worktree: string, branch: string): boolean {
  const repoGitDir = gitDirFromFiles(repo);
  const gitDir = gitDirFromFiles(worktree);
  if (!repoGitDir || !gitDir || gitDir === repoGitDir) return false;
  if (readText(join(gitDir, 'HEAD'))?.trim() !== `ref: refs/heads/${branch}`) return false;
  const common = readText(join(gitDir, 'commondir'))?.trim();
  if (!common) return false;
  return real(isAbsolute(common) ? common : resolve(gitDir, common)) === repoGitDir;
}

const OBJECT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** The repository's common git dir of a checkout (where refs, objects and config live), or null. */
function commonDirFromFiles(folder: string): string | null {
  const gitDir = gitDirFromFiles(folder);
  if (!gitDir) return null;
  const common = readText(join(gitDir, 'commondir'))?.trim();
  if (common === undefined) return gitDir;
  if (!common) return null;
  return real(isAbsolute(common) ? common : resolve(gitDir, common));
}

/** The object id `refs/heads/…` points at: its loose file, else its packed-refs line; null otherwise. */
function branchTarget(commonDir: string, ref: string): string | null {
  const loose = readText(join(commonDir, ref));
  if (loose !== null) {
    const id = loose.trim();
    return OBJECT_ID.test(id) ? id : null;
  }
  const packed = readText(join(commonDir, 'packed-refs'));
  if (packed === null) return null;
  for (const line of packed.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0 && line.slice(space + 1) === ref) {
      const id = line.slice(0, space);
      return OBJECT_ID.test(id) ? id : null;
    }
  }
  return null;
}

/**
 * The commit HEAD of the checkout at `folder` points at, read from its files: a detached HEAD's id,
 * or the loose or packed ref of the branch it names. Null for anything else (a branch without a
 * commit, another ref store, a symbolic ref): the caller asks git.
 */
export function headShaFromFiles(folder: string): string | null {
  const gitDir = gitDirFromFiles(folder);
  const head = gitDir === null ? null : readText(join(gitDir, 'HEAD'))?.trim();
  if (!head) return null;
  if (OBJECT_ID.test(head)) return head;
  const match = /^ref: (refs\/heads\/[^\0\s]+)$/.exec(head);
  const ref = match?.[1];
  if (!ref || ref.split('/').some((part) => part === '' || part === '.' || part === '..')) return null;
  const common = commonDirFromFiles(folder);
  return common === null ? null : branchTarget(common, ref);
}

/**
 * Sha and message (trailing whitespace trimmed) of the commit HEAD points at when it is a loose
 * object of the checkout's repository, inflated from its file; null otherwise (packed, another object
 * directory, a commit with an `encoding` header): the caller asks git.
 */
export function headMessageFromFiles(folder: string): { sha: string; message: string } | null {
  const sha = headShaFromFiles(folder);
  const common = sha === null ? null : commonDirFromFiles(folder);
  if (sha === null || common === null) return null;
  let raw: Buffer;
  try {
    raw = inflateSync(readFileSync(join(common, 'objects', sha.slice(0, 2), sha.slice(2))));
  } catch {
    return null;
  }
  const headerEnd = raw.indexOf(0);
  if (headerEnd < 0 || raw.toString('latin1', 0, headerEnd) !== `commit ${raw.length - headerEnd - 1}`) return null;
  const body = raw.toString('utf8', headerEnd + 1);
  const blank = body.indexOf('\n\n');
  const headers = blank < 0 ? body : body.slice(0, blank);
  if (!headers.startsWith('tree ') || /^encoding /m.test(headers)) return null;
  return { sha, message: blank < 0 ? '' : body.slice(blank + 2).trimEnd() };
}

/**
 * `remote.origin.url` of the checkout at `folder` from its repository's own config file, when that
 * file names it in the plain form (`[remote "origin"]`, an unquoted `url = …` without comment or
 * escape) and includes nothing; the last such value wins, as with `git config --get`. Null when the
 * file does not say, or says it in any other way: the caller asks git (which also reads the global
 * and system files).
 */
export function originUrlFromFiles(folder: string): string | null {
  const common = commonDirFromFiles(folder);
  const text = common === null ? null : readText(join(common, 'config'));
  if (text === null || /^\s*\[\s*include/im.test(text) || /worktreeconfig/i.test(text)) return null;
  let inOrigin = false;
  let url: string | null = null;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      const section = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"([^"\\]*)")?\s*\]$/.exec(line);
      // A section header this reader does not know exactly (escapes, a key on the same line, the
      // old `[remote.origin]` form): git decides.
      if (!section?.[1] || section[1].toLowerCase() === 'remote.origin') return null;
      inOrigin = section[1].toLowerCase() === 'remote' && section[2] === 'origin';
      continue;
    }
    if (!inOrigin) continue;
    const entry = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (!entry?.[1]) return null;
    if (entry[1].toLowerCase() !== 'url') continue;
    const value = entry[2];
    if (value === undefined || /["\\;#\t]/.test(value)) return null;
    url = value.trim();
  }
  return url === '' ? null : url;
}
