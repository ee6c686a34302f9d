// The TUI tests render ink frames and wait for them; on a loaded 2-core CI machine a frame can take
// seconds, so tests get more time than the preset's 30 s (nothing here asserts timings).
module.exports = { ...require('../../jest.preset.cjs'), displayName: '@tasksgodzilla/cli', testTimeout: 120_000 };
