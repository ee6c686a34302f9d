import { tsupPreset } from '../../tools/scripts/tsup-preset.mjs';

// dist/index.js (startWorkerProcess and friends) and dist/main.js (`node apps/worker/dist/main.js`).
export default tsupPreset({ entry: ['src/index.ts', 'src/main.ts'] });
