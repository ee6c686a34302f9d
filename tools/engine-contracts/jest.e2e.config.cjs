const base = require('./jest.config.cjs');

// `nx run @tasksgodzilla/engine-contracts:e2e`: the real CLIs (installed once into the cache folder) against the stand-in model server.
module.exports = {
  ...base,
  displayName: '@tasksgodzilla/engine-contracts e2e',
  testMatch: ['<rootDir>/e2e/**/*.e2e.spec.ts'],
  testTimeout: 180000,
  maxWorkers: 1,
};
