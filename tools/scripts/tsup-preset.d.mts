import type { Options } from 'tsup';

export interface TsupPresetOptions {
  /** Entry files; default `['src/index.ts']`. */
  entry?: string[];
  /** An output file to make executable, with a `#!/usr/bin/env node` banner on every entry. */
  bin?: string;
}

export function tsupPreset(options?: TsupPresetOptions): Options;
