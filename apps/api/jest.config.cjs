const preset = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: '@tasksgodzilla/api',
  // fastify.inject's light-my-request require()s the ESM-only `cookie`; see test/cookie-shim.cjs.
  moduleNameMapper: { ...preset.moduleNameMapper, '^cookie$': '<rootDir>/test/cookie-shim.cjs' },
  testTimeout: 120000,
};
