import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type {
  MetricInstruments,
  Metrics,
  MetricsOptions,
  QueueStatsSnapshot,
  RequestObservation,
  TokenUsage,
} from './telemetry.types.js';

/** The original's buckets (seconds). */
export const REQUEST_DURATION_BUCKETS: readonly number[] = [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10];
export const JOB_DURATION_BUCKETS: readonly number[] = [0.1, 0.5, 1, 2, 5, 10, 30, 60];

/** Route label of a request that matched no route (404s), so raw paths never become series. */
export const UNMATCHED_ROUTE = 'unmatched';
/** Model label when the engine ran with its own default model. */
export const UNKNOWN_MODEL = 'unknown';

function label(value: string | null | undefined, fallback: string): string {
  const text = value?.trim();
  return text ? text : fallback;
}

// Counters reject negative increments; a bad measurement is dropped rather than failing the caller.
function amount(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * The metrics of the original (names, labels and buckets kept) plus real token usage, engine cost,
 * queue depth and event counts, all on one registry of their own.
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = options.registry ?? new Registry();
  const prefix = options.prefix ?? '';
  const registers = [registry];
  const knownRoutes = options.routes ? new Set(options.routes) : undefined;
  const name = (base: string) => `${prefix}${base}`;

  const instruments: MetricInstruments = {
    requestsTotal: new Counter({ name: name('requests_total'), help: 'HTTP requests handled.', registers }),
    requestsDuration: new Histogram({
      name: name('requests_duration_seconds'),
      help: 'HTTP request duration in seconds, by route template, method and status code.',
      labelNames: ['path', 'method', 'status'] as const,
      buckets: [...REQUEST_DURATION_BUCKETS],
      registers,
    }),
    jobsProcessed: new Counter({
      name: name('jobs_processed_total'),
      help: 'Jobs processed, by job type and outcome (completed, retried, failed).',
      labelNames: ['job_type', 'status'] as const,
      registers,
    }),
    jobsDuration: new Histogram({
      name: name('jobs_duration_seconds'),
      help: 'Job duration in seconds, by job type and outcome.',
      labelNames: ['job_type', 'status'] as const,
      buckets: [...JOB_DURATION_BUCKETS],
      registers,
    }),
    webhooks: new Counter({
      name: name('webhooks_total'),
      help: 'Webhooks received, by provider and status (received, unauthorized).',
      labelNames: ['provider', 'status'] as const,
      registers,
    }),
    tokensEstimated: new Counter({
      name: name('codex_token_estimated_total'),
      help: 'Estimated prompt tokens (ceil(chars / 4)) checked against budgets, by phase and model.',
      labelNames: ['phase', 'model'] as const,
      registers,
    }),
    qaVerdicts: new Counter({
      name: name('qa_verdict_total'),
      help: 'QA verdicts, by verdict.',
      labelNames: ['verdict'] as const,
      registers,
    }),
    tokensUsed: new Counter({
      name: name('tokens_used_total'),
      help: 'Tokens reported by the engines, by phase, model, engine and kind (input, output, cached).',
      labelNames: ['phase', 'model', 'engine', 'kind'] as const,
      registers,
    }),
    engineCostUsd: new Counter({
      name: name('engine_cost_usd_total'),
      help: 'Cost in US dollars reported by the engines, by phase, model and engine.',
      labelNames: ['phase', 'model', 'engine'] as const,
      registers,
    }),
    queueJobs: new Gauge({
      name: name('queue_jobs'),
      help: 'Jobs in the queue ledger, by queue and status, as of the last stats snapshot.',
      labelNames: ['queue', 'status'] as const,
      registers,
    }),
    events: new Counter({
      name: name('events_total'),
      help: 'Events appended to the event log, by type.',
      labelNames: ['event_type'] as const,
      registers,
    }),
  };

  if (options.collectDefault) collectDefaultMetrics({ register: registry, prefix });

  const routeLabel = (route: string | null | undefined): string => {
    const template = label(route, UNMATCHED_ROUTE);
    return knownRoutes && !knownRoutes.has(template) ? UNMATCHED_ROUTE : template;
  };

  return {
    registry,
    contentType: registry.contentType,
    instruments,
    text: () => registry.metrics(),
    observeRequest(request: RequestObservation) {
      instruments.requestsTotal.inc();
      const seconds =
        Number.isFinite(request.durationSeconds) && request.durationSeconds >= 0 ? request.durationSeconds : 0;
      instruments.requestsDuration.observe(
        { path: routeLabel(request.route), method: request.method.toUpperCase(), status: String(request.status) },
        seconds,
      );
    },
    observeJob(jobType, status, seconds) {
      instruments.jobsProcessed.inc({ job_type: jobType, status });
      instruments.jobsDuration.observe(
        { job_type: jobType, status },
        Number.isFinite(seconds) && seconds >= 0 ? seconds : 0,
      );
    },
    observeWebhook(provider, status) {
      instruments.webhooks.inc({ provider, status });
    },
    observeEstimatedTokens(phase, model, tokens) {
      const value = amount(tokens);
      if (value !== undefined) instruments.tokensEstimated.inc({ phase, model: label(model, UNKNOWN_MODEL) }, value);
    },
    observeTokens(usage: TokenUsage) {
      const base = { phase: usage.phase, model: label(usage.model, UNKNOWN_MODEL), engine: usage.engine };
      for (const kind of ['input', 'output', 'cached'] as const) {
        const value = amount(usage[kind]);
        if (value !== undefined) instruments.tokensUsed.inc({ ...base, kind }, value);
      }
      const cost = amount(usage.costUsd);
      if (cost !== undefined) instruments.engineCostUsd.inc(base, cost);
    },
    observeQaVerdict(verdict) {
      instruments.qaVerdicts.inc({ verdict: verdict.trim().toLowerCase() });
    },
    observeEvent(eventType) {
      instruments.events.inc({ event_type: eventType });
    },
    setQueueStats(stats: QueueStatsSnapshot) {
      instruments.queueJobs.reset();
      for (const [queue, counts] of Object.entries(stats.queues)) {
        for (const [status, count] of Object.entries(counts as Record<string, unknown>)) {
          if (typeof count === 'number' && Number.isFinite(count)) instruments.queueJobs.set({ queue, status }, count);
        }
      }
    },
    reset() {
      registry.resetMetrics();
    },
  };
}
