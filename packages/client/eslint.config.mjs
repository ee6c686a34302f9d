import root from '../../eslint.config.mjs';

const NODE_BUILTINS = [
  'buffer',
  'child_process',
  'crypto',
  'events',
  'fs',
  'http',
  'https',
  'net',
  'os',
  'path',
  'stream',
  'url',
  'util',
  'zlib',
];

export default [
  ...root,
  {
    // The console bundles this package for browsers: library code uses web APIs only
    // (fetch, ReadableStream, TextDecoder, crypto.subtle, AbortController). Tests may use node:*.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts', 'src/**/*.test-helpers.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NODE_BUILTINS.map((name) => ({ name, message: 'The client runs in browsers too: use a web API.' })),
          patterns: [
            { group: ['node:*'], message: 'The client runs in browsers too: use a web API.' },
            {
              group: ['@tasksgodzilla/*/src', '@tasksgodzilla/*/src/*'],
              message: 'Import the package entry point, never its src files.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        'process',
        'Buffer',
        'require',
        '__dirname',
        '__filename',
        'setImmediate',
        'global',
      ],
    },
  },
  // This file extends the root config by path, which the boundary rule would flag.
  { files: ['eslint.config.mjs'], rules: { '@nx/enforce-module-boundaries': 'off' } },
];
