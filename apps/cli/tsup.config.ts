import { chmod } from 'node:fs/promises';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts', compilerOptions: { customConditions: ['@tasksgodzilla/source'] } },
  tsconfig: 'tsconfig.lib.json',
  target: 'node20',
  sourcemap: true,
  clean: true,
  // dist/main.js is the `tgz` bin: runnable directly after a build.
  banner: { js: '#!/usr/bin/env node' },
  onSuccess: async () => {
    await chmod('dist/main.js', 0o755);
  },
});
