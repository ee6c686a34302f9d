import { defineConfig } from 'tsup';

// dist/index.js (startWorkerProcess and friends) and dist/main.js (`node apps/worker/dist/main.js`).
export default defineConfig({
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts', compilerOptions: { customConditions: ['@tasksgodzilla/source'] } },
  tsconfig: 'tsconfig.lib.json',
  target: 'node20',
  sourcemap: true,
  clean: true,
});
