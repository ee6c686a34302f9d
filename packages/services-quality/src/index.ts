export { createQualityService } from './quality.service.js';
export { determineVerdict } from './verdict.js';
export { QA_OUTPUT_SCHEMA, parseQaAnswer, renderQaAnswer } from './qa-structured.js';
export type { StructuredQaAnswer } from './qa-structured.js';
export { renderQaReport, writeQaReport } from './qa-report.js';
export type { QaReportInput } from './qa-report.js';
export { runChecks } from './qa-checks.js';
export type { CheckRun, RunChecksOptions } from './qa-checks.js';
export type {
  CheckResult,
  QaInput,
  QaOutcome,
  QaResult,
  QaVerdict,
  QualityConfig,
  QualityService,
  QualityServiceDeps,
} from './quality.types.js';
