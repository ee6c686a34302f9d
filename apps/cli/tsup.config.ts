import { tsupPreset } from '../../tools/scripts/tsup-preset.mjs';

// dist/main.js is the `tgz` bin: runnable directly after a build.
export default tsupPreset({ entry: ['src/index.ts', 'src/main.ts'], bin: 'dist/main.js' });
