import { tsupAppPreset } from '../../tools/scripts/tsup-preset.mjs';

// dist/index.js (startWorkerProcess and friends; dependencies external), dist/main.cjs (the worker),
// which bundles the workspace packages, kysely and zod so that starting it reads one file instead of
// hundreds, and dist/main.js (bin `tgz-worker`), which runs main.cjs with V8's code cache (issue 12).
export default tsupAppPreset();
