export { createDecompositionService, decomposedContent } from './decomposition.service.js';
export type {
  DecomposeInput,
  DecomposeResult,
  DecompositionConfig,
  DecompositionService,
  DecompositionServiceDeps,
} from './decomposition.types.js';
