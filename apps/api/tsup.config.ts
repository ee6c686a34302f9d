import { tsupAppPreset } from '../../tools/scripts/tsup-preset.mjs';

// dist/index.js (buildApi and friends, for embedders and tests; dependencies external),
// dist/main.cjs (the server), which bundles the workspace packages, kysely and zod so that starting it
// reads one file instead of hundreds, and dist/main.js (bin `tgz-api`), which runs main.cjs with V8's
// code cache (issue 12). The built web console (apps/console,
// a devDependency so Nx builds it first) is copied to dist/console without its source maps: an
// installed api serves it with nothing else around.
export default tsupAppPreset({ copy: [{ from: '../console/dist', to: 'dist/console', sourceMaps: false }] });
