// End-to-end suite: headless Chromium (playwright-core) on the BUILT console served by the BUILT api
// (node apps/api/dist/main.js), and the BUILT tgz TUI in tmux. `nx e2e @tasksgodzilla/console`
// builds the console, the api and the cli first.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: '@tasksgodzilla/console:e2e',
  testMatch: ['<rootDir>/e2e/**/*.e2e.spec.ts'],
  testTimeout: 600000,
  maxWorkers: 1,
};
