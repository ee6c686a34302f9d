import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { systemClock, type Clock } from '@tasksgodzilla/core';
import { EVENT_LOOP_LAG_METRIC_NAMES, registerEventLoopLag } from './event-loop-lag.js';
import { createExposition } from './exposition.js';

/**
 * prom-client's own event-loop monitor is replaced (registerEventLoopLag); this resolution keeps the
 * timer of the one collectDefaultMetrics still creates from ever firing (about 24 days).
 */
const UNUSED_MONITOR_RESOLUTION_MS = 2 ** 31 - 1;
import type {
  MetricInstruments,
  Metrics,
  MetricsOptions,
  QueueStatsSnapshot,
  RequestObservation,
  TokenUsage,
} from './telemetry.types.js';

/**
 * How long the default process and runtime metrics reuse their last reading (issue 12: reading them,
 * `memoryUsage`, `/proc` files, open fds, heap spaces, active handles, was about half of a scrape).
 */
export const DEFAULT_METRICS_MAX_AGE_MS = 1000;

type Collected = { collect?: (this: unknown) => unknown };

/** A throttled collector: whether its next read is due, and how many reads it has made. */
interface Reading {
  due(): boolean;
  readonly reads: number;
}

/** Runs a metric's reading at most once per `maxAgeMs`; in between, a scrape shows the values last read. */
function throttleCollect(metric: Collected, clock: Clock, maxAgeMs: number): Reading | null {
  const collect = metric.collect;
  if (!collect) return null;
  let readAt: number | null = null;
  const reading = {
    reads: 0,
    due() {
      const now = clock.now().getTime();
      return readAt === null || now < readAt || now - readAt >= maxAgeMs;
    },
  };
  metric.collect = function throttled(this: unknown) {
    if (!reading.due()) return undefined;
    readAt = clock.now().getTime();
    reading.reads += 1;
    return collect.call(this);
  };
  return reading;
}

type Formatter = { getMetricsAsString(metric: unknown): Promise<string> };

/**
 * A throttled metric whose reading is not due shows the values it showed at the last scrape, so its
 * text is reused instead of formatted again; a reset of the registry drops every kept text. Returns the
 * kept text of a metric when it can be reused as it is.
 */
function reuseUnchangedText(
  registry: Registry,
  readings: Map<unknown, Reading>,
): (metric: unknown) => string | undefined {
  const formatter = registry as unknown as Formatter;
  const format = formatter.getMetricsAsString.bind(registry);
  const texts = new Map<unknown, { reads: number; text: string }>();
  const reusable = (metric: unknown, reading: Reading): string | undefined => {
    const kept = texts.get(metric);
    return kept && kept.reads === reading.reads && !reading.due() ? kept.text : undefined;
  };
  formatter.getMetricsAsString = async (metric) => {
    const reading = readings.get(metric);
    if (!reading) return format(metric);
    const kept = reusable(metric, reading);
    if (kept !== undefined) return kept;
    const text = await format(metric);
    texts.set(metric, { reads: reading.reads, text });
    return text;
  };
  const resetMetrics = registry.resetMetrics.bind(registry);
  registry.resetMetrics = () => {
    texts.clear();
    resetMetrics();
  };
  return (metric) => {
    const reading = readings.get(metric);
    return reading ? reusable(metric, reading) : undefined;
  };
}

interface QueueSeries {
  queue: string;
  status: string;
  count: number;
}

/**
 * Whether `gauge` holds `series` and nothing else, in that order, with the labels `set({ queue, status })`
 * gives: resetting and setting it again would leave the same series (issue 12: a scrape rewrote them all).
 */
function holdsQueueSeries(gauge: Gauge, series: readonly QueueSeries[]): boolean {
  const hashMap = (gauge as unknown as { hashMap?: Record<string, { value: number; labels: Record<string, unknown> }> })
    .hashMap;
  if (!hashMap || typeof hashMap !== 'object') return false;
  let i = 0;
  for (const key in hashMap) {
    const held = hashMap[key];
    const wanted = series[i];
    if (!held || !wanted || !Object.is(held.value, wanted.count)) return false;
    const labels = Object.keys(held.labels);
    if (labels.length !== 2 || labels[0] !== 'queue' || labels[1] !== 'status') return false;
    if (held.labels['queue'] !== wanted.queue || held.labels['status'] !== wanted.status) return false;
    i += 1;
  }
  return i === series.length;
}

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

  const counter = <L extends string>(base: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name: name(base), help, labelNames, registers });
  const histogram = <L extends string>(
    base: string,
    help: string,
    labelNames: readonly L[],
    buckets: readonly number[],
  ) => new Histogram<L>({ name: name(base), help, labelNames, buckets: [...buckets], registers });

  const instruments: MetricInstruments = {
    requestsTotal: counter('requests_total', 'HTTP requests handled.', []),
    requestsDuration: histogram(
      'requests_duration_seconds',
      'HTTP request duration in seconds, by route template, method and status code.',
      ['path', 'method', 'status'],
      REQUEST_DURATION_BUCKETS,
    ),
    jobsProcessed: counter(
      'jobs_processed_total',
      'Jobs processed, by job type and outcome (completed, retried, failed).',
      ['job_type', 'status'],
    ),
    jobsDuration: histogram(
      'jobs_duration_seconds',
      'Job duration in seconds, by job type and outcome.',
      ['job_type', 'status'],
      JOB_DURATION_BUCKETS,
    ),
    webhooks: counter('webhooks_total', 'Webhooks received, by provider and status (received, unauthorized).', [
      'provider',
      'status',
    ]),
    tokensEstimated: counter(
      'codex_token_estimated_total',
      'Estimated prompt tokens (ceil(chars / 4)) checked against budgets, by phase and model.',
      ['phase', 'model'],
    ),
    qaVerdicts: counter('qa_verdict_total', 'QA verdicts, by verdict.', ['verdict']),
    tokensUsed: counter(
      'tokens_used_total',
      'Tokens reported by the engines, by phase, model, engine and kind (input, output, cached).',
      ['phase', 'model', 'engine', 'kind'],
    ),
    engineCostUsd: counter(
      'engine_cost_usd_total',
      'Cost in US dollars reported by the engines, by phase, model and engine.',
      ['phase', 'model', 'engine'],
    ),
    queueJobs: new Gauge({
      name: name('queue_jobs'),
      help: 'Jobs in the queue ledger, by queue and status, as of the last stats snapshot.',
      labelNames: ['queue', 'status'] as const,
      registers,
    }),
    events: counter('events_total', 'Events appended to the event log, by type.', ['event_type']),
  };

  // The default process, heap and GC collectors, with the event-loop lag measured by
  // registerEventLoopLag instead of prom-client's HDR histogram (issue 12: its 10 ms timer cost an idle
  // api ~3.7 ms of CPU a second, and reading its stddev and mean ~2 ms per scrape).
  let reused: (metric: unknown) => string | undefined = () => undefined;
  let throttled: (metric: unknown) => boolean = () => false;
  if (options.collectDefault) {
    const before = new Set(registry.getMetricsAsArray());
    collectDefaultMetrics({ register: registry, prefix, eventLoopMonitoringPrecision: UNUSED_MONITOR_RESOLUTION_MS });
    for (const metric of EVENT_LOOP_LAG_METRIC_NAMES) registry.removeSingleMetric(`${prefix}${metric}`);
    const clock = options.clock ?? systemClock;
    const maxAgeMs = options.defaultMetricsMaxAgeMs ?? DEFAULT_METRICS_MAX_AGE_MS;
    const readings = new Map<unknown, Reading>();
    for (const metric of registry.getMetricsAsArray()) {
      if (before.has(metric)) continue;
      const reading = throttleCollect(metric as unknown as Collected, clock, maxAgeMs);
      if (reading) readings.set(metric, reading);
    }
    reused = reuseUnchangedText(registry, readings);
    throttled = (metric) => readings.has(metric);
    // Its timer is unref'd and lives as long as the process, like prom-client's monitor.
    registerEventLoopLag(registry, prefix);
  }

  const routeLabel = (route: string | null | undefined): string => {
    const template = label(route, UNMATCHED_ROUTE);
    return knownRoutes && !knownRoutes.has(template) ? UNMATCHED_ROUTE : template;
  };

  const exposition = createExposition(
    registry,
    (metric) => reused(metric),
    (metric) => throttled(metric),
  );

  return {
    registry,
    contentType: registry.contentType,
    instruments,
    text: () => exposition.text(),
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
      const series: QueueSeries[] = [];
      for (const [queue, counts] of Object.entries(stats.queues)) {
        for (const [status, count] of Object.entries(counts as Record<string, unknown>)) {
          if (typeof count === 'number' && Number.isFinite(count)) series.push({ queue, status, count });
        }
      }
      // The gauge already holds exactly these series (a scrape's usual case): nothing to write.
      if (holdsQueueSeries(instruments.queueJobs, series)) return;
      instruments.queueJobs.reset();
      for (const { queue, status, count } of series) instruments.queueJobs.set({ queue, status }, count);
    },
    reset() {
      registry.resetMetrics();
    },
  };
}
