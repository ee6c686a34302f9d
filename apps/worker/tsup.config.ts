import { tsupAppPreset } from '../../tools/scripts/tsup-preset.mjs';

// dist/index.js (startWorkerProcess and friends; dependencies external), dist/main.cjs (the worker),
// which bundles the workspace packages, kysely and zod so that starting it reads one file instead of
// hundreds, and dist/main.js (bin `tgz-worker`), which runs main.cjs with V8's code cache (issue 12).
// main.cjs takes the workspace packages from their sources (`mainFromSources`): one module per file,
// so what only the runtime's lazily loaded services import runs on the first job, not at start.
export default tsupAppPreset({ mainFromSources: true });
