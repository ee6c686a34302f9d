import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { resolveInside } from '@tasksgodzilla/platform-git';

/** The two folders a spec's relative paths are resolved against. */
export interface SpecRoots {
  /** The protocol folder (`<worktree>/.protocols/<name>` or `<workspace>/.codemachine`). */
  protocolRoot: string;
  /** The workspace (git worktree or CodeMachine workspace). */
  workspaceRoot: string;
}

/** True when `target` stays inside one of `roots` (symlinks of existing parents included). */
export function isInsideRoots(target: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    try {
      resolveInside(root, target);
      return true;
    } catch {
      return false;
    }
  });
}

function candidates(value: string, first: string, second: string): string[] {
  const list = [resolve(first, value)];
  const other = resolve(second, value);
  if (resolve(second) !== resolve(first) && !list.includes(other)) list.push(other);
  return list;
}

/**
 * The original's `resolve_spec_path`: an absolute path is kept; a relative one is tried against the
 * protocol root, then the workspace; the first that exists wins, else the first candidate.
 */
export function resolveSpecPath(value: string, roots: SpecRoots): string {
  if (isAbsolute(value)) return resolve(value);
  const list = candidates(value, roots.protocolRoot, roots.workspaceRoot);
  return list.find((path) => existsSync(path)) ?? (list[0] as string);
}

/**
 * Output path resolution: absolute kept; else candidates protocol-root-first (workspace-first when
 * `preferWorkspace`, which the original uses for `.codemachine` roots); the first whose parent folder
 * exists wins, else the first candidate.
 */
export function resolveOutputPath(
  value: string,
  roots: SpecRoots,
  options: { preferWorkspace?: boolean } = {},
): string {
  if (isAbsolute(value)) return resolve(value);
  const list = options.preferWorkspace
    ? candidates(value, roots.workspaceRoot, roots.protocolRoot)
    : candidates(value, roots.protocolRoot, roots.workspaceRoot);
  return list.find((path) => existsSync(dirname(path))) ?? (list[0] as string);
}

/** True when the protocol folder is a CodeMachine root (outputs then resolve workspace-first). */
export function isCodeMachineRoot(protocolRoot: string): boolean {
  return /(^|[/\\])\.codemachine$/.test(resolve(protocolRoot));
}
