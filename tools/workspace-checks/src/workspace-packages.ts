import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** A workspace project (under packages/ or apps/) as its package.json describes it. */
export interface WorkspacePackage {
  /** Folder relative to the repository root, e.g. `packages/core`. */
  folder: string;
  name: string;
  description: string;
  /** Nx tags, e.g. `layer:core`. */
  tags: string[];
  /** The `@tasksgodzilla/*` packages it depends on (dependencies and peerDependencies), sorted. */
  workspaceDeps: string[];
}

const SCOPE = '@tasksgodzilla/';

/** Every project with a package.json in `<root>/<group>` for each group, sorted by folder. */
export function readWorkspacePackages(
  root: string,
  groups: readonly string[] = ['packages', 'apps'],
): WorkspacePackage[] {
  return groups.flatMap((group) =>
    readdirSync(join(root, group))
      .filter((folder) => existsSync(join(root, group, folder, 'package.json')))
      .sort()
      .map((folder) => {
        const pkg = JSON.parse(readFileSync(join(root, group, folder, 'package.json'), 'utf8')) as {
          name: string;
          description?: string;
          dependencies?: Record<string, string>;
          peerDependencies?: Record<string, string>;
          nx?: { tags?: string[] };
        };
        const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }).filter((d) => d.startsWith(SCOPE));
        return {
          folder: `${group}/${folder}`,
          name: pkg.name,
          description: pkg.description ?? '',
          tags: pkg.nx?.tags ?? [],
          workspaceDeps: deps.sort(),
        };
      }),
  );
}

/** The package names of the table under a markdown section (`## Packages`): rows whose first cell is `` `@scope/name` ``. */
export function readmeTablePackages(markdown: string, heading = '## Packages'): string[] {
  const section = markdown.split(`\n${heading}\n`)[1]?.split(/\n#{1,3} /)[0] ?? '';
  const names: string[] = [];
  for (const line of section.split('\n')) {
    const match = /^\|\s*`(@[\w-]+\/[\w.-]+)`\s*\|/.exec(line);
    if (match?.[1]) names.push(match[1]);
  }
  return names;
}

/** Names of `packages` that the README's package table does not list. */
export function packagesMissingFromReadme(packages: readonly WorkspacePackage[], markdown: string): string[] {
  const listed = new Set(readmeTablePackages(markdown));
  return packages.map((p) => p.name).filter((name) => !listed.has(name));
}

const short = (name: string) => name.replace(SCOPE, '');
const nodeId = (name: string) => short(name).replace(/[^\w]/g, '_');

/** Direct dependencies that no longer path also reaches (the transitive reduction), by package name. */
export function essentialDeps(packages: readonly WorkspacePackage[]): Map<string, string[]> {
  const direct = new Map(packages.map((p) => [p.name, p.workspaceDeps]));
  const reachable = (from: string, seen = new Set<string>()): Set<string> => {
    for (const dep of direct.get(from) ?? []) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      reachable(dep, seen);
    }
    return seen;
  };
  return new Map(
    packages.map((p) => [
      p.name,
      p.workspaceDeps.filter((dep) => !p.workspaceDeps.some((other) => other !== dep && reachable(other).has(dep))),
    ]),
  );
}

/**
 * The dependency graph of the workspace as a mermaid flowchart, generated from the package.json files:
 * one node per project, one edge per dependency that no longer path implies.
 */
export function packageGraphMermaid(packages: readonly WorkspacePackage[]): string {
  const lines = ['```mermaid', 'flowchart TD'];
  for (const p of packages) lines.push(`  ${nodeId(p.name)}["${short(p.name)}"]`);
  for (const [name, deps] of essentialDeps(packages))
    for (const dep of deps) lines.push(`  ${nodeId(name)} --> ${nodeId(dep)}`);
  lines.push('```');
  return lines.join('\n');
}

/** The same graph as a markdown list: each project, its layer tag and what it depends on. */
export function packageDependencyList(packages: readonly WorkspacePackage[]): string {
  return packages
    .map((p) => {
      const layer = p.tags.find((t) => t.startsWith('layer:'))?.slice('layer:'.length) ?? '—';
      const deps =
        p.workspaceDeps.length === 0 ? 'nothing of ours' : p.workspaceDeps.map((d) => `\`${short(d)}\``).join(', ');
      return `- \`${p.folder}\` (${layer}) → ${deps}`;
    })
    .join('\n');
}
