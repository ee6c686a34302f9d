export { createLogger, loggerOptionsFromConfig } from './logger.js';
export { getLogContext, isLogContextTracking, withLogContext } from './log-context.js';
export { createMetrics, DEFAULT_METRICS_MAX_AGE_MS } from './metrics.js';
export { createTelemetryService } from './telemetry.service.js';
export { estimateTokens } from './token-estimate.js';
export type {
  EventTx,
  LogContext,
  Logger,
  LoggerOptions,
  Metrics,
  MetricsOptions,
  TelemetryDeps,
  TelemetryService,
} from './telemetry.types.js';
export { configSecretValues } from './redaction.js';
export type { Redactor } from './redaction.js';
export {
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_EVENT_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  createWebhookSender,
  signWebhookBody,
} from './webhook-sender.js';
export type { WebhookRequest, WebhookResult, WebhookSender, WebhookSenderOptions } from './webhook-sender.js';
