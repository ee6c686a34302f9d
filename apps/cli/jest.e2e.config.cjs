// End-to-end suite: drives the BUILT api (node apps/api/dist/main.js) and the BUILT tgz binary
// (node apps/cli/dist/main.js) as a user would. `nx e2e @tasksgodzilla/cli` builds both first.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: '@tasksgodzilla/cli:e2e',
  testMatch: ['<rootDir>/e2e/**/*.e2e.spec.ts'],
  testTimeout: 600000,
  maxWorkers: 1,
};
