import type { Clock, Event } from '@tasksgodzilla/core';
import type { EventRepository, NewEvent } from '@tasksgodzilla/platform-storage';
import type { Logger as PinoLogger } from 'pino';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Writable } from 'node:stream';

// ---------------------------------------------------------------------------------------------
// Logging
// ---------------------------------------------------------------------------------------------

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export type LogFormat = 'json' | 'pretty';

/** The logger every package receives: pino's, so `info(fields, msg)`, `child(bindings)` and levels work as documented there. */
export type Logger = PinoLogger;

/** The correlation ids carried by every log line of the current async call chain (the original's six standard fields). */
export interface LogContext {
  request_id?: string;
  job_id?: string;
  run_id?: string;
  project_id?: number;
  protocol_run_id?: number;
  step_run_id?: number;
}

export type LogContextKey = keyof LogContext;

/** Anything pino can write lines to: a stream, an object with `write(line)`, or a file descriptor. */
export type LogDestination = Writable | { write(line: string): unknown } | number;

export interface LoggerOptions {
  /** Minimum level written; `silent` writes nothing. Default `info`. */
  level?: LogLevel | string;
  /** `json`: one JSON object per line; `pretty`: `time LEVEL logger msg key=value…`. Default `json`. */
  format?: LogFormat;
  /**
   * Where lines go. Default: stderr, batched (the lines of one event-loop turn in one synchronous
   * write at its end; what is queued is written on process exit). A file descriptor number is written
   * synchronously, line by line.
   */
  destination?: LogDestination;
  /** Value of the `logger` field of every line. Default `tasksgodzilla`. */
  name?: string;
  /** Extra redaction paths (pino's path syntax) on top of the secret-like keys redacted by default at any depth. */
  redact?: readonly string[];
  /** Time source of the `timestamp` field. Default: the system clock. */
  clock?: Clock;
}

// ---------------------------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------------------------

/** Known values, open to new ones without a type change. */
type Open<T extends string> = T | (string & Record<never, never>);

export type JobMetricStatus = Open<'completed' | 'retried' | 'failed'>;
export type TokenPhase = Open<'planning' | 'decompose' | 'exec' | 'qa' | 'discovery'>;
export type WebhookMetricStatus = Open<'received' | 'unauthorized'>;
export type TokenKind = 'input' | 'output' | 'cached';

export interface MetricsOptions {
  /** Registry to register on. Default: a new one (never prom-client's global registry). */
  registry?: Registry;
  /** Prepended to every metric name. Default ''. */
  prefix?: string;
  /** Also collect prom-client's default process/GC/event-loop metrics on this registry. Default false. */
  collectDefault?: boolean;
  /** How long those default metrics reuse their last reading (default DEFAULT_METRICS_MAX_AGE_MS); the event-loop lag is read on every scrape. */
  defaultMetricsMaxAgeMs?: number;
  /** Reads the time for that reuse (default the system clock). */
  clock?: Clock;
  /** When given, a request whose route is not in this list is labelled `unmatched`. */
  routes?: Iterable<string>;
}

export interface RequestObservation {
  /** Route template (`/protocols/:id`), never the raw path. Missing or unknown → `unmatched`. */
  route?: string | null;
  method: string;
  status: number | string;
  durationSeconds: number;
}

/** Real usage reported by an engine for one run. */
export interface TokenUsage {
  phase: TokenPhase;
  model?: string | null;
  engine: string;
  input?: number;
  output?: number;
  cached?: number;
  costUsd?: number | null;
}

/**
 * A queue stats snapshot, the shape of platform-queue's `stats()`:
 * `{ backend: 'embedded', queues: { default: { queued: 2, running: 1, … } } }`. Every numeric field
 * of a queue's counts becomes one `queue_jobs{queue, status}` series.
 */
export interface QueueStatsSnapshot {
  readonly backend?: string;
  readonly queues: { readonly [queue: string]: object };
}

export interface MetricInstruments {
  requestsTotal: Counter<never>;
  requestsDuration: Histogram<'path' | 'method' | 'status'>;
  jobsProcessed: Counter<'job_type' | 'status'>;
  jobsDuration: Histogram<'job_type' | 'status'>;
  webhooks: Counter<'provider' | 'status'>;
  tokensEstimated: Counter<'phase' | 'model'>;
  qaVerdicts: Counter<'verdict'>;
  tokensUsed: Counter<'phase' | 'model' | 'engine' | 'kind'>;
  engineCostUsd: Counter<'phase' | 'model' | 'engine'>;
  queueJobs: Gauge<'queue' | 'status'>;
  events: Counter<'event_type'>;
}

export interface Metrics {
  readonly registry: Registry;
  /** The exposition content type, for the `/metrics` response header. */
  readonly contentType: string;
  /** The raw prom-client instruments, for what the helpers below do not cover. */
  readonly instruments: MetricInstruments;
  /** Prometheus text exposition of this registry. */
  text(): Promise<string>;
  observeRequest(request: RequestObservation): void;
  observeJob(jobType: string, status: JobMetricStatus, seconds: number): void;
  observeWebhook(provider: string, status: WebhookMetricStatus): void;
  /** The original's pre-flight estimate counter (`codex_token_estimated_total`). */
  observeEstimatedTokens(phase: TokenPhase, model: string | null | undefined, tokens: number): void;
  observeTokens(usage: TokenUsage): void;
  observeQaVerdict(verdict: string): void;
  observeEvent(eventType: string): void;
  /** Replaces every `queue_jobs` series by the snapshot's counts. */
  setQueueStats(stats: QueueStatsSnapshot): void;
  /** Zeroes every metric of the registry. */
  reset(): void;
}

// ---------------------------------------------------------------------------------------------
// TelemetryService
// ---------------------------------------------------------------------------------------------

/** The part of a transaction recordEvent needs; platform-storage's `StorageTx` fits. */
export interface EventTx {
  events: Pick<EventRepository, 'append'>;
  /** Runs `fn` once the transaction commits, never on rollback. */
  afterCommit?(fn: () => void | Promise<void>): void;
}

export interface RecordEventOptions {
  /** Write through this transaction so the event commits (or rolls back) with the state change. */
  tx?: EventTx;
}

export type EventListener = (event: Event) => void | Promise<void>;

export interface TelemetryDeps {
  events: Pick<EventRepository, 'append'>;
  logger: Logger;
  metrics: Metrics;
  clock?: Clock;
}

export interface TelemetryService {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /**
   * Appends the event (through `opts.tx` when given) and logs it at info; request_id / job_id come
   * from the log context when the input leaves them undefined. Subscribers hear of it once it is durable.
   */
  recordEvent(input: NewEvent, opts?: RecordEventOptions): Promise<Event>;
  /** In-process listener for durable events; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  observeTokens(usage: TokenUsage): void;
  observeEstimatedTokens(phase: TokenPhase, model: string | null | undefined, tokens: number): void;
  observeQaVerdict(verdict: string): void;
  observeJob(jobType: string, status: JobMetricStatus, seconds: number): void;
  /** ceil(characters / 4), minimum 1: the original's estimate, for pre-flight budget checks only. */
  estimateTokens(text: string): number;
  /** Starts a timer on the service clock; the returned function gives the elapsed seconds. */
  startTimer(): () => number;
}
