export {
  AppError,
  BudgetExceededError,
  CancelledError,
  ConfigError,
  ConflictError,
  ERROR_CATEGORIES,
  EngineError,
  GitError,
  NotFoundError,
  QueueError,
  StorageError,
  TimeoutError,
  UnauthorizedError,
  ValidationError,
  errorMessage,
  isAppError,
  isRetryable,
  toAppError,
} from './errors.js';
export type { AppErrorOptions, ErrorCategory, FieldIssue } from './errors.js';
export {
  JOB_STATUSES,
  JOB_TRANSITIONS,
  PROTOCOL_STATUSES,
  PROTOCOL_TRANSITIONS,
  STEP_STATUSES,
  STEP_TRANSITIONS,
  assertTransition,
  isJobStatus,
  isLegalTransition,
  isProtocolStatus,
  isStepStatus,
  isTerminalProtocolStatus,
} from './statuses.js';
export type { JobStatus, ProtocolStatus, StepStatus, TransitionTable } from './statuses.js';
export { CI_PROVIDERS, JOB_TYPES, redactSecrets } from './domain.js';
export { DEFAULT_ISSUE_LABEL } from './issues.js';
export type { IssueLink, ProjectIssueSettings } from './issues.js';
export {
  ANSWER_MAX_CHARS,
  NEEDS_INPUT_END,
  NEEDS_INPUT_MARKER,
  NEEDS_INPUT_MAX_CHARS,
  parseNeedsInput,
} from './needs-input.js';
export {
  REDACTED_VALUE,
  createRedactor,
  jsonSecretValues,
  projectSecretValues,
  redactUrlCredentials,
} from './redact.js';
export type { Redactor } from './redact.js';
export { BASE_CHILD_ENV, PROTECTED_CHILD_ENV, allowListedEnv, isEnvVariableName } from './child-env.js';
export type {
  CiProvider,
  DefaultModels,
  Event,
  IsoTimestamp,
  JobRun,
  JobType,
  JsonObject,
  JsonValue,
  Page,
  PageRequest,
  Project,
  ProtocolRun,
  StepRun,
} from './domain.js';
export { createManualClock, nowIso, systemClock, toIso } from './clock.js';
export type { Clock } from './clock.js';
export { newId, randomHex } from './ids.js';
export { sha256Hex } from './hash.js';
export {
  AUTO_PR_MODES,
  BUDGET_MODES,
  CONFIG_SCHEMA,
  CONFIG_VARIABLES,
  LOG_LEVEL_NAMES,
  QUEUE_BACKENDS,
  configReadmeTable,
  configVariable,
  defaultLocalDataDir,
  loadConfig,
  loadLocalConfig,
} from './config.js';
export type {
  AutoPrMode,
  BudgetMode,
  Config,
  ConfigFlag,
  ConfigKind,
  ConfigSetting,
  ConfigVariable,
  EnvSource,
  LocalConfigOptions,
} from './config.js';
export { CHECKS_FENCE, extractStepChecks, parseStepFile } from './check-grammar.js';
export type { CheckSource, ParsedStepFile, ShellBlock, StepCheck } from './check-grammar.js';
export { EVENT_CATALOGUE, EVENT_METADATA_SCHEMAS, checkEventMetadata } from './event-catalogue.js';
export type { EventTypeEntry } from './event-catalogue.js';
export {
  EVENT_GROUPS,
  EVENT_GROUP_LABELS,
  EVENT_TYPES,
  EVENT_TYPE_LABELS,
  eventCatalogueTable,
  eventTypeInfo,
  eventTypesOf,
  isEventOfGroup,
  isEventType,
  providerEventType,
} from './event-catalogue.labels.js';
export type { EventGroup, EventType, ProviderEventType, RecordedEventType } from './event-catalogue.labels.js';
export {
  NOTIFICATION_GROUPS,
  NOTIFICATION_STATUSES,
  WEBHOOK_FORMATS,
  eventFilterIssue,
  eventFilterMatches,
  expandEventFilter,
  isEventFilterEntry,
  webhookSecretOut,
  webhookUrlIssue,
} from './notifications.js';
export type {
  NotificationGroup,
  NotificationStatus,
  ProjectWebhook,
  WebhookFormat,
  WebhookNotification,
} from './notifications.js';
export { PROTOCOL_DOC_FILES, compareStepFilenames, isStepFilename } from './step-files.js';
