// Real git repos, clones and engine child processes: allow for a loaded CI machine.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: '@tasksgodzilla/services-onboarding',
  testTimeout: 120000,
};
