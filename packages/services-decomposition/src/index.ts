export { createDecompositionService, decomposedContent } from './decomposition.service.js';
export { SIMPLE_STEP_LIMITS, isSimpleStep } from './simple-step.js';
export type { SimpleStepLimits } from './simple-step.js';
export type {
  DecomposeInput,
  DecomposeResult,
  DecompositionConfig,
  DecompositionService,
  DecompositionServiceDeps,
} from './decomposition.types.js';
