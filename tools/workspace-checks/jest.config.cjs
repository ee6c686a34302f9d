module.exports = { ...require('../../jest.preset.cjs'), displayName: '@tasksgodzilla/workspace-checks' };
