import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { documentedNames, formatUnusedExports, moduleUses, unusedPublicExports } from './public-exports.js';

const root = join(import.meta.dirname, '..', '..', '..');

/** A throwaway workspace: `files` maps a path under it to its text. */
function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'public-exports-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const manifest = (name: string) => JSON.stringify({ name: `@tasksgodzilla/${name}`, type: 'module' });

/** Package `lib` exports a value, a type and, through `export *`, two more; `app` imports some of them. */
const fixture = (appSource: string, readme = '# lib\n') => ({
  'packages/lib/package.json': manifest('lib'),
  'packages/lib/README.md': readme,
  'packages/lib/src/index.ts': [
    "export { used, unused } from './values.js';",
    "export type { Options } from './values.js';",
    "export * from './more.js';",
  ].join('\n'),
  'packages/lib/src/values.ts': [
    'export const used = 1;',
    'export const unused = 2;',
    'export interface Options { a: number }',
  ].join('\n'),
  'packages/lib/src/more.ts': 'export function viaStar(): number { return 3; }\nexport type StarType = string;\n',
  'packages/lib/src/own.spec.ts':
    "import { unused, viaStar } from '@tasksgodzilla/lib';\nexport const x = [unused, viaStar];\n",
  'apps/app/package.json': manifest('app'),
  'apps/app/e2e/flow.spec.ts': appSource,
});

describe('public exports of the packages', () => {
  const made: string[] = [];
  const check = (files: Record<string, string>) => {
    const dir = workspace(files);
    made.push(dir);
    return formatUnusedExports(unusedPublicExports(dir));
  };
  afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('every export of every packages/*/src/index.ts is imported by another project or documented in its README', () => {
    const unused = formatUnusedExports(unusedPublicExports(root));
    expect(unused).toEqual([]);
  }, 120_000);

  it('fails on exports nobody else imports (the package importing itself does not count), values before types', () => {
    expect(check(fixture("import { used } from '@tasksgodzilla/lib';\nconsole.log(used);\n"))).toEqual([
      '@tasksgodzilla/lib: unused',
      '@tasksgodzilla/lib: viaStar',
      '@tasksgodzilla/lib: Options (type)',
      '@tasksgodzilla/lib: StarType (type)',
    ]);
  });

  it('passes when the names are imported (here from an e2e spec of another project), by type, through export * or a namespace', () => {
    const app = [
      "import { used, unused } from '@tasksgodzilla/lib';",
      "import type { Options } from '@tasksgodzilla/lib';",
      "import * as lib from '@tasksgodzilla/lib';",
      "export const x: Options & { t: import('@tasksgodzilla/lib').StarType } = { a: used + unused, t: '' };",
      'export const y = lib.viaStar();',
    ].join('\n');
    expect(check(fixture(app))).toEqual([]);
  });

  it('passes when the README documents the names, in a ts block or the Public API section', () => {
    const readme = [
      '# lib',
      '## Public API',
      '| export | what |',
      '|---|---|',
      '| `unused`, type `Options` | documented |',
      '## Example',
      '```ts',
      "import { viaStar, type StarType } from '@tasksgodzilla/lib';",
      '```',
      '## Other',
      'Mentions `never` outside the API section.',
    ].join('\n');
    expect(check(fixture("import { used } from '@tasksgodzilla/lib';\n", readme))).toEqual([]);
  });
});

describe('moduleUses', () => {
  it('reads static, type, re-export, dynamic and require imports', () => {
    const source = [
      "import { a, b as c } from '@tasksgodzilla/x';",
      "import type { T } from '@tasksgodzilla/x/sub';",
      "export { d as e } from '@tasksgodzilla/y';",
      "export * from '@tasksgodzilla/z';",
      "const { f } = await import('@tasksgodzilla/w');",
      "const g = require('@tasksgodzilla/v').g;",
      "import '@tasksgodzilla/side-effect';",
    ].join('\n');
    expect(moduleUses(source, 'a.mts')).toEqual([
      { module: '@tasksgodzilla/x', names: ['a', 'b'] },
      { module: '@tasksgodzilla/x/sub', names: ['T'] },
      { module: '@tasksgodzilla/y', names: ['d'] },
      { module: '@tasksgodzilla/z', names: '*' },
      { module: '@tasksgodzilla/w', names: ['f'] },
      { module: '@tasksgodzilla/v', names: ['g'] },
      { module: '@tasksgodzilla/side-effect', names: [] },
    ]);
  });

  it('takes the whole module when a namespace import is passed on', () => {
    expect(moduleUses("import * as ns from '@tasksgodzilla/x';\nexport const all = ns;\n")).toEqual([
      { module: '@tasksgodzilla/x', names: '*' },
    ]);
  });
});

describe('documentedNames', () => {
  it('reads ts blocks anywhere, inline code of the API section and of export tables only', () => {
    const markdown = [
      '## API',
      '- `createThing(opts): Thing`, options `{ kind: 1 |',
      '  2 }` (a `ThingKind`); a fence: ```` ```markdown ```` then `afterFence`',
      '### Errors',
      '`ThingError`',
      '## Notes',
      '`notApi`',
      '| export | what |',
      '|---|---|',
      '| `fromTable` | an export table outside the API section |',
      'after the table `notInTable`',
      '```sh',
      'shellWord',
      '```',
      '```ts',
      'inTsBlock();',
      '```',
    ].join('\n');
    expect([...documentedNames(markdown)].sort()).toEqual(
      [
        'Thing',
        'ThingError',
        'ThingKind',
        'afterFence',
        'createThing',
        'fromTable',
        'inTsBlock',
        'kind',
        'markdown',
        'opts',
      ].sort(),
    );
  });
});
