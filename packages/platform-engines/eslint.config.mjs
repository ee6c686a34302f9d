import root, { depConstraints } from '../../eslint.config.mjs';

// Specs and test helpers may use the workspace's test helpers (@tasksgodzilla/testing, tagged
// layer:tools); library code keeps the root rules.
const testConstraints = depConstraints.map((constraint) =>
  constraint.sourceTag === 'layer:platform'
    ? { ...constraint, onlyDependOnLibsWithTags: [...constraint.onlyDependOnLibsWithTags, 'layer:tools'] }
    : constraint,
);

export default [
  ...root,
  {
    files: ['src/**/*.spec.ts', 'src/**/*.test-helpers.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: false,
          checkDynamicDependenciesExceptions: [],
          depConstraints: testConstraints,
        },
      ],
    },
  },
  // This file extends the root config by path, which the boundary rule would flag.
  { files: ['eslint.config.mjs'], rules: { '@nx/enforce-module-boundaries': 'off' } },
];
