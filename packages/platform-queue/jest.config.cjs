module.exports = { ...require('../../jest.preset.cjs'), displayName: '@tasksgodzilla/platform-queue' };
