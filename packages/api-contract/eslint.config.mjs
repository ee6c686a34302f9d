import root from '../../eslint.config.mjs';

export default [
  ...root,
  {
    // The client and the console bundle this package for browsers: no node:* in library code.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The contract runs in browsers too: use a web API.' },
            {
              group: ['@tasksgodzilla/*/src', '@tasksgodzilla/*/src/*'],
              message: 'Import the package entry point, never its src files.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', '__dirname', '__filename'],
    },
  },
  // This file extends the root config by path, which the boundary rule would flag.
  { files: ['eslint.config.mjs'], rules: { '@nx/enforce-module-boundaries': 'off' } },
];
