export { createClient } from './client.js';
export type { RawRequest, TasksGodzillaClient } from './client.js';
export {
  ApiError,
  categoryForStatus,
  formatDetail,
  isApiError,
  parseErrorDetail,
  reasonPhrase,
} from './client.errors.js';
export type { ApiErrorDetail, ApiErrorInit, ValidationIssue } from './client.errors.js';
export type {
  ActionResponse,
  BranchDeleteRequest,
  BranchDeleteResponse,
  BranchListResponse,
  CallOptions,
  ClientOptions,
  CodeMachineImportRequest,
  CodeMachineImportResponse,
  CodexRunCreate,
  CodexRunOut,
  ConsoleRunsParams,
  EventOut,
  FetchLike,
  GithubWebhookRequest,
  GitlabWebhookRequest,
  HealthComponent,
  HealthOut,
  Id,
  Job,
  ListCodexRunsParams,
  ListEventsParams,
  ListQueueJobsParams,
  ModelUsage,
  OnboardingStage,
  OnboardingStageKey,
  OnboardingStageStatus,
  OnboardingSummary,
  PageParams,
  PhaseUsage,
  ProjectCreate,
  ProjectOut,
  ProtocolRunCreate,
  ProtocolRunOut,
  ProtocolSpecOut,
  ProtocolUsageOut,
  QueueCounts,
  QueueStats,
  SpecAuditRequest,
  SpecValidationStatus,
  StepRunCreate,
  StepRunOut,
  StepUsage,
  StreamEventsParams,
  UsageTotals,
} from './client.types.js';
export { EVENTS_STREAM_PATH } from './event-stream.js';
export { DEFAULT_TIMEOUT_MS } from './http.js';
export { NEXT_CURSOR_HEADER, collect, iterate, iteratePages, toPage } from './pagination.js';
export type { ListFn } from './pagination.js';
export { SseParser, readSseStream } from './sse-parser.js';
export type { ReadSseOptions, SseMessage } from './sse-parser.js';
export { hmacSha256Hex, signWebhookBody, webhookBody } from './webhooks.js';
export type { Page, PageRequest } from '@tasksgodzilla/core';
export {
  coalesce,
  eventGroup,
  eventLabel,
  hasEventType,
  isLoopEvent,
  isOnboardingEvent,
  isPolicyEvent,
  isStepActive,
  isTerminalRun,
  isTriggerEvent,
  latestStep,
  mergeEvents,
  qaVerdict,
  runActions,
  stepActions,
} from './run-view.js';
export type { Coalesced, QaVerdict, RunAction, RunStatus, StepAction, StepRunStatus } from './run-view.js';
