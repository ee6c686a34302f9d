import type * as c from '@tasksgodzilla/api-contract';
import type { In, Out } from '@tasksgodzilla/api-contract';
import type { PageRequest } from '@tasksgodzilla/core';

// Client options and parameters. The request and response shapes of the api are the shared contract's
// (@tasksgodzilla/api-contract): inferred from its schemas, so they cannot drift from what the api sends.

/** Ids are integers; strings are accepted so CLI arguments can be passed as they are. */
export type Id = number | string;

/** The subset of `fetch` the client calls; `globalThis.fetch` in Node 20 and browsers. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** Api root, e.g. `http://127.0.0.1:8010` (a path prefix such as `/api` is kept). */
  baseUrl: string;
  /** Global bearer token, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Per-project token, sent as `X-Project-Token`. */
  projectToken?: string;
  /** Defaults to `globalThis.fetch`, looked up at call time. */
  fetch?: FetchLike;
  /** Per-request timeout in ms (0 disables). Default 30 000. Does not apply to `streamEvents`. */
  timeoutMs?: number;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

/** Per-call overrides, the last argument of every method. */
export interface CallOptions {
  /** Sent as `X-Request-ID`; the api echoes it and stores it on the events it records. */
  requestId?: string;
  /** Overrides the client's project token for this call (`null` sends none). */
  projectToken?: string | null;
  signal?: AbortSignal;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

// ---- requests and answers: the shared contract's schemas -----------------------------------------

/** A database or queue check of `GET /health`. */
export type HealthComponent = Out<typeof c.HealthComponent>;
/** `GET /health`: 200 with `ok`, 503 with `degraded` (both returned, neither thrown). */
export type HealthOut = Out<typeof c.HealthOut>;

export type ProjectCreate = In<typeof c.ProjectCreate>;
/** A project with `secrets` redacted (key → `"***"`) and credentials in `git_url` hidden. */
export type ProjectOut = Out<typeof c.ProjectOut>;
/** `POST /projects/{id}/webhooks`: an outgoing webhook to add (the secret is write-only). */
export type WebhookCreate = In<typeof c.WebhookCreate>;
/** `PUT /projects/{id}/webhooks/{webhook_id}`: the fields to change. */
export type WebhookUpdate = In<typeof c.WebhookUpdate>;
/** A webhook as the api shows it: `secret` is `***` or null. */
export type WebhookOut = Out<typeof c.WebhookOut>;
export type WebhookDeleteResponse = Out<typeof c.WebhookDeleteResponse>;
/** One row of a webhook's delivery log. */
export type WebhookDeliveryOut = Out<typeof c.WebhookDeliveryOut>;
export type BranchListResponse = Out<typeof c.BranchListResponse>;
/** `confirm` must be true, or the api answers 400. */
export type BranchDeleteRequest = In<typeof c.BranchDeleteRequest>;
export type BranchDeleteResponse = Out<typeof c.BranchDeleteResponse>;

/** A run is always created `pending`; start it with `startProtocol`. */
export type ProtocolRunCreate = In<typeof c.ProtocolRunCreate>;
export type SpecValidationStatus = Out<typeof c.SpecValidationStatus>;
/** A protocol run with the derived spec fields of reference §1.3. */
export type ProtocolRunOut = Out<typeof c.ProtocolRunOut>;
export type ProtocolSpecOut = Out<typeof c.ProtocolSpecOut>;
/** An issue URL, or a number (`7`, `#7`) on the project's repository. */
export type ProtocolFromIssueRequest = In<typeof c.ProtocolFromIssueRequest>;
/** The issue's run (`created` false when it existed already) and its planning job when auto-started. */
export type ProtocolFromIssueResponse = Out<typeof c.ProtocolFromIssueResponse>;
export type ProjectIssueSettingsOut = Out<typeof c.ProjectIssueSettingsOut>;
/** The keys to change; absent keys keep their value. */
export type ProjectIssueSettingsUpdate = In<typeof c.ProjectIssueSettingsUpdate>;
export type UsageTotals = Out<typeof c.UsageTotals>;
export type PhaseUsage = Out<typeof c.PhaseUsage>;
export type ModelUsage = Out<typeof c.ModelUsage>;
export type StepUsage = Out<typeof c.StepUsage>;
/** `GET /protocols/{id}/usage`: totals, by phase, by phase and model, by step. */
export type ProtocolUsageOut = Out<typeof c.ProtocolUsageOut>;

/** Only `pending` (the default): the server alone moves step statuses (another value is a 422). */
export type StepRunCreate = In<typeof c.StepRunCreate>;
export type StepRunOut = Out<typeof c.StepRunOut>;
/** `POST /steps/{id}/answer`: `{ answer }` (1 to 20,000 characters after trimming). */
export type StepAnswer = In<typeof c.StepAnswer>;

export type EventOut = Out<typeof c.EventOut>;

/** The job object of reference §0.5, returned in `ActionResponse.job` and by `/queues/jobs`. */
export type Job = Out<typeof c.JobOut>;
export type ActionResponse = Out<typeof c.ActionResponse>;
export type QueueCounts = Out<typeof c.QueueCounts>;
/** `GET /queues`: `{ backend, <queue name>: { <status>: count } }`. */
export type QueueStats = Out<typeof c.QueueStats>;

export type CodexRunCreate = In<typeof c.CodexRunCreate>;
export type CodexRunOut = Out<typeof c.CodexRunOut>;

export type OnboardingStageKey = (typeof c.ONBOARDING_STAGE_KEYS)[number];
export type OnboardingStageStatus = (typeof c.ONBOARDING_STAGE_STATUSES)[number];
export type OnboardingStage = Out<typeof c.OnboardingStage>;
export type OnboardingSummary = Out<typeof c.OnboardingSummary>;
export type CodeMachineImportRequest = In<typeof c.CodeMachineImportRequest>;
/** The body of `POST /projects/{id}/actions/discover` (optional). */
export type ProjectDiscoverRequest = In<typeof c.ProjectDiscoverRequest>;
export type CodeMachineImportResponse = Out<typeof c.CodeMachineImportResponse>;
export type SpecAuditRequest = In<typeof c.SpecAuditRequest>;

// ---- list parameters -------------------------------------------------------------------------

/** `limit` and `cursor` (the previous page's `next_cursor`). */
export type PageParams = PageRequest;

export interface ListEventsParams extends PageParams {
  project_id?: Id;
  protocol_run_id?: Id;
  /** `onboarding` keeps setup events only. */
  kind?: string;
}

export interface ListQueueJobsParams extends PageParams {
  status?: string;
}

export interface ListCodexRunsParams extends PageParams {
  job_type?: string;
  status?: string;
}

export interface ConsoleRunsParams {
  limit?: number;
}

// ---- event stream ----------------------------------------------------------------------------

export interface StreamEventsParams {
  project_id?: Id;
  protocol_run_id?: Id;
  /** Resume after this event id (sent as `Last-Event-ID`). */
  last_event_id?: Id | null;
  /** Ends the iteration (without an error) when aborted. */
  signal?: AbortSignal;
  /** Reconnect after a drop, with `Last-Event-ID`. Default true. */
  reconnect?: boolean;
  /** First reconnect delay in ms, doubled per failed attempt. Default 500 (the server's `retry:` wins). */
  retryDelayMs?: number;
  /** Upper bound of the reconnect delay. Default 10 000. */
  maxRetryDelayMs?: number;
  /** Failed connection attempts in a row before giving up with the last error. Default unlimited. */
  maxRetries?: number;
  /** Reconnect when nothing (not even a heartbeat) arrives for this long. Default 0: off. */
  idleTimeoutMs?: number;
  requestId?: string;
  projectToken?: string | null;
  headers?: Record<string, string>;
}

// ---- webhooks --------------------------------------------------------------------------------

interface WebhookRequestBase {
  /** JSON-serialized as the body unless `body` is given. */
  payload?: unknown;
  /** The exact raw body to send (and sign). */
  body?: string;
  /** `?protocol_run_id=`: target a run instead of matching by branch. */
  protocol_run_id?: Id;
  /** Also send the bearer and project tokens (the original required the bearer on webhooks). */
  include_auth?: boolean;
}

export interface GithubWebhookRequest extends WebhookRequestBase {
  /** `X-GitHub-Event`, e.g. `workflow_run`, `pull_request`, `check_suite`, `status`, `push`. */
  event: string;
  /** Webhook secret: signs the body into `X-Hub-Signature-256: sha256=<hex>`. */
  secret?: string;
  /** Explicit `X-Hub-Signature-256` value (to test rejected signatures). */
  signature?: string;
  /** `X-GitHub-Delivery`. */
  delivery_id?: string;
}

export interface GitlabWebhookRequest extends WebhookRequestBase {
  /** `X-Gitlab-Event`, e.g. `Pipeline Hook`, `Merge Request Hook`. */
  event: string;
  /** Shared webhook token, sent as `X-Gitlab-Token`. */
  token?: string;
  /** Optional: also sign the body into `X-Gitlab-Signature-256: sha256=<hex>`. */
  secret?: string;
}
