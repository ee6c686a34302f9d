module.exports = { ...require('../../jest.preset.cjs'), displayName: '@tasksgodzilla/engine-contracts' };
