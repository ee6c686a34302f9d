import { tsupAppPreset } from '../../tools/scripts/tsup-preset.mjs';

// dist/index.js (startWorkerProcess and friends; dependencies external), dist/main.cjs (the worker),
// which bundles the workspace packages, kysely and zod so that starting it reads one file instead of
// hundreds, and dist/bin.cjs (bin `tgz-worker`), a CommonJS launcher that runs main.cjs with V8's code
// cache and starts no ES module loader (issue 12: idle memory).
export default tsupAppPreset({ launcher: 'cjs' });
