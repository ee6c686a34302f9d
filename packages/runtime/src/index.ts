export { createRuntime } from './create-runtime.js';
export { checkHealth } from './health.js';
export { isFinalFailure, jobMetricsHooks, queueLogger, withDeadLetterHook } from './worker.js';
export type { HealthReport, Runtime, RuntimeOverrides, RuntimeServices, WorkerOptions } from './runtime.types.js';
