export { createQualityService } from './quality.service.js';
export type { QaInput, QaResult, QualityConfig, QualityService, QualityServiceDeps } from './quality.types.js';
