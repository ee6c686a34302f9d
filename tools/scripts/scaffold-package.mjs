#!/usr/bin/env node
// Creates the skeleton of a workspace package: node tools/scripts/scaffold-package.mjs <folder> <tag> "<description>" [dep ...]
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [folder, tag, description, ...deps] = process.argv.slice(2);
if (!folder || !tag || !description) {
  console.error(
    'usage: scaffold-package.mjs <packages/name|apps/name> <layer tag> <description> [@tasksgodzilla/dep ...]',
  );
  process.exit(2);
}
const name = `@tasksgodzilla/${folder.split('/').pop()}`;
const isApp = folder.startsWith('apps/');
const dir = join(process.cwd(), folder);
if (existsSync(join(dir, 'package.json'))) {
  console.error(`${folder} exists already`);
  process.exit(1);
}
mkdirSync(join(dir, 'src'), { recursive: true });
const pkg = {
  name,
  version: '0.1.0',
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  ...(isApp ? { private: true } : {}),
  main: './dist/index.js',
  types: './dist/index.d.ts',
  exports: {
    '.': {
      '@tasksgodzilla/source': './src/index.ts',
      types: './dist/index.d.ts',
      import: './dist/index.js',
      default: './dist/index.js',
    },
    './package.json': './package.json',
  },
  files: ['dist', 'README.md'],
  engines: { node: '>=20.19' },
  dependencies: Object.fromEntries(deps.map((d) => [d, '0.1.0'])),
  nx: { tags: [tag], targets: { build: {}, typecheck: {}, lint: {}, test: {} } },
};
writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
writeFileSync(
  join(dir, 'tsconfig.json'),
  JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { noEmit: true, types: ['node', 'jest'] },
      include: ['src/**/*.ts', 'src/**/*.tsx', 'test/**/*.ts', 'tsup.config.ts'],
    },
    null,
    2,
  ) + '\n',
);
writeFileSync(
  join(dir, 'tsconfig.lib.json'),
  JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { types: ['node'], rootDir: 'src' },
      include: ['src/**/*.ts', 'src/**/*.tsx'],
      exclude: ['src/**/*.spec.ts', 'src/**/*.spec.tsx', 'src/**/*.test-helpers.ts'],
    },
    null,
    2,
  ) + '\n',
);
writeFileSync(
  join(dir, 'tsup.config.ts'),
  `import { tsupPreset } from '../../tools/scripts/tsup-preset.mjs';\n\nexport default tsupPreset();\n`,
);
writeFileSync(
  join(dir, 'jest.config.cjs'),
  `module.exports = { ...require('../../jest.preset.cjs'), displayName: '${name}' };\n`,
);
if (!existsSync(join(dir, 'README.md'))) writeFileSync(join(dir, 'README.md'), `# ${name}\n\n${description}\n`);
console.log(`created ${folder} (${name}, ${tag})`);
