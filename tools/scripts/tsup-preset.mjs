// The one tsup build setting of every package and app: ESM for Node 20, declarations built from the
// sources (the `@tasksgodzilla/source` export condition), source maps, a clean dist/.
import { existsSync } from 'node:fs';
import { chmod, cp } from 'node:fs/promises';
import { defineConfig } from 'tsup';

const SOURCE_CONDITION = ['@tasksgodzilla/source'];

/**
 * `entry` defaults to `src/index.ts` (the package's public API). An app adds `src/main.ts`; declarations
 * are built for `src/index.ts` only. `bin: 'dist/main.js'` marks that output as an executable script.
 * `copy: [{ from, to, sourceMaps }]` copies folders into the output after the build (the api ships the
 * built console inside its own dist); a missing `from` fails the build. `sourceMaps: false` leaves the
 * `.map` files out (the console's point into node_modules, which a tarball does not hold).
 */
export function tsupPreset({ entry = ['src/index.ts'], bin, copy = [] } = {}) {
  const afterBuild = async () => {
    if (bin) await chmod(bin, 0o755);
    for (const { from, to, sourceMaps = true } of copy) {
      if (!existsSync(from)) throw new Error(`tsup-preset: ${from} does not exist (build it first)`);
      await cp(from, to, { recursive: true, filter: (source) => sourceMaps || !source.endsWith('.map') });
    }
  };
  return defineConfig({
    entry,
    format: ['esm'],
    dts: { entry: 'src/index.ts', compilerOptions: { customConditions: SOURCE_CONDITION } },
    tsconfig: 'tsconfig.lib.json',
    target: 'node20',
    sourcemap: true,
    clean: true,
    ...(bin ? { banner: { js: '#!/usr/bin/env node' } } : {}),
    ...(bin || copy.length > 0 ? { onSuccess: afterBuild } : {}),
  });
}
