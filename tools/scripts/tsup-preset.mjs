// The one tsup build setting of every package and app: ESM for Node 20, declarations built from the
// sources (the `@tasksgodzilla/source` export condition), source maps, a clean dist/.
import { chmod } from 'node:fs/promises';
import { defineConfig } from 'tsup';

const SOURCE_CONDITION = ['@tasksgodzilla/source'];

/**
 * `entry` defaults to `src/index.ts` (the package's public API). An app adds `src/main.ts`; declarations
 * are built for `src/index.ts` only. `bin: 'dist/main.js'` marks that output as an executable script.
 */
export function tsupPreset({ entry = ['src/index.ts'], bin } = {}) {
  return defineConfig({
    entry,
    format: ['esm'],
    dts: { entry: 'src/index.ts', compilerOptions: { customConditions: SOURCE_CONDITION } },
    tsconfig: 'tsconfig.lib.json',
    target: 'node20',
    sourcemap: true,
    clean: true,
    ...(bin
      ? {
          banner: { js: '#!/usr/bin/env node' },
          onSuccess: async () => {
            await chmod(bin, 0o755);
          },
        }
      : {}),
  });
}
