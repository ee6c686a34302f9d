const base = require('./jest.config.cjs');

// `nx run @tasksgodzilla/release-check:e2e`: publish to a local registry and install from it (minutes).
module.exports = {
  ...base,
  displayName: '@tasksgodzilla/release-check e2e',
  testMatch: ['<rootDir>/e2e/**/*.e2e.spec.ts'],
  testTimeout: 600000,
  maxWorkers: 1,
};
