// `nx run @tasksgodzilla/bench:e2e`: runs `bench.mjs --quick` once so the benchmark never rots (no timing asserted).
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: '@tasksgodzilla/bench e2e',
  testMatch: ['<rootDir>/e2e/**/*.e2e.spec.ts'],
  testTimeout: 900000,
  maxWorkers: 1,
};
