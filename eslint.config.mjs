import nx from '@nx/eslint-plugin';

// Layers, lowest first. A project may depend only on projects of a lower layer (or its own layer
// where listed). This encodes the dependency direction of the target spec (§3).
const DRIVERS = ['better-sqlite3', 'pg', 'bullmq', 'ioredis'];

export const depConstraints = [
  { sourceTag: 'layer:core', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'layer:platform', onlyDependOnLibsWithTags: ['layer:core', 'layer:platform'] },
  {
    sourceTag: 'layer:service-base',
    onlyDependOnLibsWithTags: ['layer:core', 'layer:platform'],
    bannedExternalImports: DRIVERS,
  },
  {
    sourceTag: 'layer:service',
    onlyDependOnLibsWithTags: ['layer:core', 'layer:platform', 'layer:service-base'],
    bannedExternalImports: DRIVERS,
  },
  {
    sourceTag: 'layer:orchestrator',
    onlyDependOnLibsWithTags: ['layer:core', 'layer:platform', 'layer:service-base', 'layer:service'],
    bannedExternalImports: DRIVERS,
  },
  {
    sourceTag: 'layer:runtime',
    onlyDependOnLibsWithTags: [
      'layer:core',
      'layer:platform',
      'layer:service-base',
      'layer:service',
      'layer:orchestrator',
    ],
    bannedExternalImports: DRIVERS,
  },
  { sourceTag: 'layer:contract', onlyDependOnLibsWithTags: ['layer:core'], bannedExternalImports: DRIVERS },
  {
    sourceTag: 'layer:client',
    onlyDependOnLibsWithTags: ['layer:core', 'layer:contract'],
    bannedExternalImports: DRIVERS,
  },
  // The MCP server: tools over the api client, imported by the cli (stdio) and the api (HTTP).
  {
    sourceTag: 'layer:mcp',
    onlyDependOnLibsWithTags: ['layer:core', 'layer:contract', 'layer:client'],
    bannedExternalImports: DRIVERS,
  },
  // The api app: a server that other apps may embed (the cli's local mode runs it in-process).
  {
    sourceTag: 'layer:server',
    onlyDependOnLibsWithTags: [
      'layer:core',
      'layer:platform',
      'layer:runtime',
      'layer:contract',
      'layer:client',
      'layer:mcp',
    ],
    bannedExternalImports: DRIVERS,
  },
  {
    sourceTag: 'layer:app',
    onlyDependOnLibsWithTags: [
      'layer:core',
      'layer:platform',
      'layer:runtime',
      'layer:contract',
      'layer:client',
      'layer:mcp',
      'layer:server',
    ],
    bannedExternalImports: DRIVERS,
  },
  { sourceTag: 'layer:tools', onlyDependOnLibsWithTags: ['*'] },
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/.nx', '**/coverage', '**/test-artifacts'] },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
    rules: {
      // Layout is Prettier's (checked by each project's lint target); this rule disagrees with its line breaks.
      'no-unexpected-multiline': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: false,
          checkDynamicDependenciesExceptions: [],
          depConstraints,
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@tasksgodzilla/*/src', '@tasksgodzilla/*/src/*'],
              message: 'Import the package entry point, never its src files.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Services, runtime and apps never spawn processes themselves: engines and git own that.
    files: [
      'packages/services-*/src/**/*.ts',
      'packages/runtime/src/**/*.ts',
      'packages/client/src/**/*.ts',
      'packages/mcp/src/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'node:child_process', message: 'Only platform-* packages spawn processes.' },
            { name: 'child_process', message: 'Only platform-* packages spawn processes.' },
          ],
          patterns: [
            {
              group: ['@tasksgodzilla/*/src', '@tasksgodzilla/*/src/*'],
              message: 'Import the package entry point, never its src files.',
            },
          ],
        },
      ],
    },
  },

  {
    // Tests may also use the workspace's test helpers (@tasksgodzilla/testing, tagged layer:tools).
    files: ['**/*.spec.ts', '**/*.spec.tsx', '**/test/**/*.ts', '**/*.test-helpers.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: false,
          checkDynamicDependenciesExceptions: [],
          depConstraints: depConstraints.map((c) =>
            c.sourceTag === 'layer:tools'
              ? c
              : { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'layer:tools'] },
          ),
        },
      ],
    },
  },
  {
    // Build settings are not code of the package: every tsup.config.ts takes the one preset from tools/scripts.
    files: ['**/tsup.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
];
