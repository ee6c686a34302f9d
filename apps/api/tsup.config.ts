import { tsupPreset } from '../../tools/scripts/tsup-preset.mjs';

// dist/index.js (buildApi and friends, for embedders and tests) and dist/main.js (the server, bin
// `tgz-api`). Dependencies stay external (tsup's default for package deps). The built web console
// (apps/console, a devDependency so Nx builds it first) is copied to dist/console: an installed
// api serves it with nothing else around.
export default tsupPreset({
  entry: ['src/index.ts', 'src/main.ts'],
  copy: [{ from: '../console/dist', to: 'dist/console', sourceMaps: false }],
});
