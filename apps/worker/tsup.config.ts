import { tsupAppPreset } from '../../tools/scripts/tsup-preset.mjs';

// dist/index.js (startWorkerProcess and friends; dependencies external) and dist/main.js
// (`node apps/worker/dist/main.js`), which bundles the workspace packages, kysely and zod so that
// starting it reads one file instead of hundreds (issue 12).
export default tsupAppPreset();
