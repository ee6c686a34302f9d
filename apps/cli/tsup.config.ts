import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: { compilerOptions: { customConditions: ['@tasksgodzilla/source'] } },
  tsconfig: 'tsconfig.lib.json',
  target: 'node20',
  sourcemap: true,
  clean: true,
});
