import { readFileSync, realpathSync, statSync } from 'node:fs';
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

// realpath(3): one system call; `realpathSync` walks the path in JavaScript, one lstat per component.
function real(path: string): string | null {
  try {
    return realpathSync.native(path);
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
  const commit = headCommitObject(folder);
  return commit === null ? null : { sha: commit.sha, message: commit.message };
}

/**
 * node:zlib, loaded on the first loose object read: a process that never reads one (the worker and the
 * api until a step commits) does not load it at start (4 ms, issue 12).
 */
let zlib: typeof import('node:zlib') | undefined;
const inflate = (data: Buffer): Buffer => (zlib ??= process.getBuiltinModule('node:zlib')).inflateSync(data);

/** A loose object of the repository, inflated: its type and body; null when it is not a loose object there. */
function looseObject(commonDir: string, id: string): { type: string; body: Buffer } | null {
  let raw: Buffer;
  try {
    raw = inflate(readFileSync(join(commonDir, 'objects', id.slice(0, 2), id.slice(2))));
  } catch {
    return null;
  }
  const headerEnd = raw.indexOf(0);
  const header = headerEnd < 0 ? '' : raw.toString('latin1', 0, headerEnd);
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(space + 1) !== String(raw.length - headerEnd - 1)) return null;
  return { type: header.slice(0, space), body: raw.subarray(headerEnd + 1) };
}

interface CommitObject {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  commonDir: string;
}

function headCommitObject(folder: string): CommitObject | null {
  const sha = headShaFromFiles(folder);
  const commonDir = sha === null ? null : commonDirFromFiles(folder);
  const object = sha === null || commonDir === null ? null : looseObject(commonDir, sha);
  if (sha === null || commonDir === null || object?.type !== 'commit') return null;
  const body = object.body.toString('utf8');
  const blank = body.indexOf('\n\n');
  const headers = (blank < 0 ? body : body.slice(0, blank)).split('\n');
  const tree = /^tree ([0-9a-f]+)$/.exec(headers[0] ?? '')?.[1];
  if (!tree || headers.some((line) => line.startsWith('encoding '))) return null;
  const parents = headers.flatMap((line) => /^parent ([0-9a-f]+)$/.exec(line)?.[1] ?? []);
  return { sha, tree, parents, message: blank < 0 ? '' : body.slice(blank + 2).trimEnd(), commonDir };
}

interface TreeEntry {
  mode: string;
  name: Buffer;
  id: string;
}

function treeEntries(commonDir: string, id: string): TreeEntry[] | null {
  const object = looseObject(commonDir, id);
  if (object?.type !== 'tree') return null;
  const { body } = object;
  const idLength = id.length / 2;
  const entries: TreeEntry[] = [];
  for (let at = 0; at < body.length; ) {
    const space = body.indexOf(0x20, at);
    const nul = space < 0 ? -1 : body.indexOf(0, space);
    if (nul < 0 || nul + 1 + idLength > body.length) return null;
    entries.push({
      mode: body.toString('latin1', at, space),
      name: body.subarray(space + 1, nul),
      id: body.toString('hex', nul + 1, nul + 1 + idLength),
    });
    at = nul + 1 + idLength;
  }
  return entries;
}

const isTree = (entry: TreeEntry) => entry.mode === '40000';

/** git's order of tree entries: by name, a tree's name compared as if it ended with `/`. */
function compareEntries(a: TreeEntry, b: TreeEntry): number {
  const common = Math.min(a.name.length, b.name.length);
  const head = Buffer.compare(a.name.subarray(0, common), b.name.subarray(0, common));
  if (head !== 0) return head;
  const next = (entry: TreeEntry) =>
    entry.name.length > common ? (entry.name[common] as number) : isTree(entry) ? 0x2f : 0;
  return next(a) - next(b);
}

/**
 * Paths that differ between two trees, recursively, in git's order (what `git diff-tree -r
 * --name-only` lists); null when a tree on the way is not a loose object.
 */
function changedPaths(
  commonDir: string,
  from: string | null,
  to: string | null,
  prefix: string,
  out: string[],
): boolean {
  const left = from === null ? [] : treeEntries(commonDir, from);
  const right = to === null ? [] : treeEntries(commonDir, to);
  if (left === null || right === null) return false;
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    const a = left[i];
    const b = right[j];
    const order = a === undefined ? 1 : b === undefined ? -1 : compareEntries(a, b);
    const gone = order <= 0 ? a : undefined;
    const added = order >= 0 ? b : undefined;
    if (gone) i += 1;
    if (added) j += 1;
    if (gone && added && gone.id === added.id && gone.mode === added.mode) continue;
    const entry = (added ?? gone) as TreeEntry;
    const path = prefix + entry.name.toString('utf8');
    if ((gone === undefined || isTree(gone)) && (added === undefined || isTree(added))) {
      if (!changedPaths(commonDir, gone?.id ?? null, added?.id ?? null, `${path}/`, out)) return false;
    } else out.push(path);
  }
  return true;
}

/**
 * Sha, message and changed files of HEAD (what `git diff-tree -r --name-only` says about a commit
 * with one parent) from loose objects; null when HEAD is not such a commit or an object on the way is
 * packed: the caller asks git.
 */
export function headCommitFromFiles(folder: string): { sha: string; message: string; files: string[] } | null {
  const commit = headCommitObject(folder);
  const parent = commit?.parents.length === 1 ? commit.parents[0] : undefined;
  if (!commit || parent === undefined) return null;
  const parentTree = headersTree(commit.commonDir, parent);
  const files: string[] = [];
  if (parentTree === null || !changedPaths(commit.commonDir, parentTree, commit.tree, '', files)) return null;
  return { sha: commit.sha, message: commit.message, files };
}

function headersTree(commonDir: string, commitId: string): string | null {
  const object = looseObject(commonDir, commitId);
  if (object?.type !== 'commit') return null;
  return /^tree ([0-9a-f]+)\n/.exec(object.body.toString('latin1', 0, 100))?.[1] ?? null;
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
