import { tsupPreset } from '../../tools/scripts/tsup-preset.mjs';

// dist/index.js (buildApi and friends, for embedders and tests) and dist/main.js (the server:
// `node apps/api/dist/main.js`). Dependencies stay external (tsup's default for package deps).
export default tsupPreset({ entry: ['src/index.ts', 'src/main.ts'] });
