module.exports = { ...require('../../jest.preset.cjs'), displayName: '@tasksgodzilla/worker', testTimeout: 120000 };
