const base = require('./jest.config.cjs');

// `nx run @tasksgodzilla/api:e2e`: the built api and worker as child processes (see e2e/stack.ts).
module.exports = {
  ...base,
  displayName: '@tasksgodzilla/api e2e',
  testMatch: ['<rootDir>/e2e/**/*.e2e.spec.ts'],
  testTimeout: 180000,
  maxWorkers: 1,
};
