export { createLogger, DEFAULT_REDACT_KEYS, loggerOptionsFromConfig, REDACTED } from './logger.js';
export { getLogContext, LOG_CONTEXT_KEYS, withLogContext } from './log-context.js';
export { createPrettyDestination, formatPrettyLine } from './pretty-format.js';
export {
  createMetrics,
  JOB_DURATION_BUCKETS,
  REQUEST_DURATION_BUCKETS,
  UNKNOWN_MODEL,
  UNMATCHED_ROUTE,
} from './metrics.js';
export { createTelemetryService } from './telemetry.service.js';
export { estimateTokens } from './token-estimate.js';
export type {
  EventListener,
  EventTx,
  JobMetricStatus,
  LogContext,
  LogContextKey,
  LogDestination,
  LogFormat,
  Logger,
  LoggerOptions,
  LogLevel,
  MetricInstruments,
  Metrics,
  MetricsOptions,
  QueueStatsSnapshot,
  RecordEventOptions,
  RequestObservation,
  TelemetryDeps,
  TelemetryService,
  TokenKind,
  TokenPhase,
  TokenUsage,
  WebhookMetricStatus,
} from './telemetry.types.js';
export { configSecretValues, createRedactor, jsonSecretValues, REDACTED_VALUE } from './redaction.js';
export type { Redactor } from './redaction.js';
