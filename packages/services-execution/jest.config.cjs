// Real git repositories and engine processes: allow slow, loaded CI machines more than the preset's 30 s.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: '@tasksgodzilla/services-execution',
  testTimeout: 120000,
};
