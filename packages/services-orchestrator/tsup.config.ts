import { tsupPreset } from '../../tools/scripts/tsup-preset.mjs';

// `src/queue.ts` is the `./queue` entry (job types and notification relay without the services).
export default tsupPreset({ entry: ['src/index.ts', 'src/queue.ts'] });
