module.exports = { ...require('../../jest.preset.cjs'), displayName: '@tasksgodzilla/api-contract' };
