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
