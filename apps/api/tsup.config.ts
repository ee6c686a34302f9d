import { tsupAppPreset } from '../../tools/scripts/tsup-preset.mjs';

// dist/index.js (buildApi and friends, for embedders and tests; dependencies external) and
// dist/main.js (the server: `node apps/api/dist/main.js`), which bundles the workspace packages,
// kysely and zod so that starting it reads one file instead of hundreds (issue 12).
export default tsupAppPreset();
