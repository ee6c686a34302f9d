import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  packageDependencyList,
  packageGraphMermaid,
  packagesMissingFromReadme,
  readWorkspacePackages,
  readmeTablePackages,
  type WorkspacePackage,
} from './workspace-packages.js';

const root = join(import.meta.dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

const pkg = (name: string, workspaceDeps: string[] = [], tags = ['layer:core']): WorkspacePackage => ({
  folder: `packages/${name}`,
  name: `@tasksgodzilla/${name}`,
  description: '',
  tags,
  workspaceDeps: workspaceDeps.map((d) => `@tasksgodzilla/${d}`),
});

const README = [
  '# X',
  '',
  '## Packages',
  '',
  '| package | what it is |',
  '|---|---|',
  '| `@tasksgodzilla/core` | domain |',
  '| `@tasksgodzilla/client` | http client |',
  '',
  '### Dependency direction',
  '',
  '| `@tasksgodzilla/runtime` | a table of another section |',
].join('\n');

describe('root README package table', () => {
  it('lists every package under packages/', () => {
    const packages = readWorkspacePackages(root, ['packages']);
    expect(packages.length).toBeGreaterThanOrEqual(15);
    expect(packagesMissingFromReadme(packages, read('README.md'))).toEqual([]);
  });

  it('lists only packages that exist', () => {
    const names = new Set(readWorkspacePackages(root, ['packages']).map((p) => p.name));
    expect(readmeTablePackages(read('README.md')).filter((name) => !names.has(name))).toEqual([]);
  });

  it('reads the rows of the Packages section only, and names a package it lacks', () => {
    expect(readmeTablePackages(README)).toEqual(['@tasksgodzilla/core', '@tasksgodzilla/client']);
    expect(packagesMissingFromReadme([pkg('core'), pkg('client'), pkg('runtime')], README)).toEqual([
      '@tasksgodzilla/runtime',
    ]);
    expect(packagesMissingFromReadme([pkg('core')], '# no table')).toEqual(['@tasksgodzilla/core']);
  });
});

describe('docs/architecture.md package graph', () => {
  const between = (text: string, marker: string) =>
    text.split(`<!-- ${marker}:start -->\n`)[1]?.split(`\n<!-- ${marker}:end -->`)[0];

  // UPDATE_ARCHITECTURE_GRAPH=1 npx jest readme-packages (in tools/workspace-checks) rewrites the block.
  it('is the graph generated from the package.json files (packages and apps)', () => {
    const packages = readWorkspacePackages(root);
    const generated = `${packageGraphMermaid(packages)}\n\n${packageDependencyList(packages)}`;
    const path = join(root, 'docs', 'architecture.md');
    const doc = read('docs/architecture.md');
    const current = between(doc, 'package-graph');
    if (process.env.UPDATE_ARCHITECTURE_GRAPH === '1' && current !== undefined && current !== generated)
      writeFileSync(
        path,
        doc.replace(current, () => generated),
      );
    expect(between(read('docs/architecture.md'), 'package-graph')).toBe(generated);
  });

  it('renders one node per package and one edge per dependency no longer path implies', () => {
    const packages = [
      pkg('core'),
      pkg('client', ['api-contract', 'core'], ['layer:client']),
      pkg('api-contract', ['core']),
    ];
    expect(packageGraphMermaid(packages).split('\n')).toEqual([
      '```mermaid',
      'flowchart TD',
      '  core["core"]',
      '  client["client"]',
      '  api_contract["api-contract"]',
      '  client --> api_contract',
      '  api_contract --> core',
      '```',
    ]);
    expect(packageDependencyList(packages).split('\n')).toEqual([
      '- `packages/core` (core) → nothing of ours',
      '- `packages/client` (client) → `api-contract`, `core`',
      '- `packages/api-contract` (core) → `core`',
    ]);
  });
});
