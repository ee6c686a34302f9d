import { defineConfig } from 'tsup';

// dist/index.js (buildApi and friends, for embedders and tests) and dist/main.js (the server:
// `node apps/api/dist/main.js`). Dependencies stay external (tsup's default for package deps).
export default defineConfig({
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts', compilerOptions: { customConditions: ['@tasksgodzilla/source'] } },
  tsconfig: 'tsconfig.lib.json',
  target: 'node20',
  sourcemap: true,
  clean: true,
});
