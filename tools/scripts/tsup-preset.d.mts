import type { Options } from 'tsup';

export interface TsupPresetOptions {
  /** Folders copied into the output after the build (`from` must exist); `sourceMaps: false` skips `.map` files. */
  copy?: { from: string; to: string; sourceMaps?: boolean }[];
  /** Entry files; default `['src/index.ts']`. */
  entry?: string[];
  /** An output file to make executable, with a `#!/usr/bin/env node` banner on every entry. */
  bin?: string;
}

export function tsupPreset(options?: TsupPresetOptions): Options;

export interface TsupAppPresetOptions {
  /** The app's library entry; default `src/index.ts`. */
  index?: string;
  /** The process entry, built to `dist/main.cjs` with the workspace packages bundled; default `src/main.ts`. */
  main?: string;
  /** The launcher's entry (runs main.cjs with the code cache); default `src/bin.ts`. */
  bin?: string;
  /**
   * The launcher's format: `esm` (default) builds `dist/main.js`, `cjs` builds `dist/bin.cjs`, which
   * starts no ES module loader (the worker's, issue 12).
   */
  launcher?: 'esm' | 'cjs';
  /** As for tsupPreset, copied after the `main` build; the library build's clean leaves them alone. */
  copy?: TsupPresetOptions['copy'];
}

export function tsupAppPreset(options?: TsupAppPresetOptions): Options[];
