module.exports = { ...require('../../jest.preset.cjs'), displayName: '@tasksgodzilla/mcp' };
