import { tsupPreset } from '../../tools/scripts/tsup-preset.mjs';

export default tsupPreset();
