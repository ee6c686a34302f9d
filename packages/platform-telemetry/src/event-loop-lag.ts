import { Gauge, type Registry } from 'prom-client';

/** How often the event-loop lag is sampled (each sample wakes an idle process). */
export const EVENT_LOOP_LAG_SAMPLE_MS = 1000;
/** Samples kept between two scrapes (an hour at one a second); older ones are dropped. */
const MAX_SAMPLES = 3600;

/** prom-client's default event-loop metric names and help, kept so dashboards read the same series. */
const LAG_METRICS = {
  lag: ['nodejs_eventloop_lag_seconds', 'Lag of event loop in seconds.'],
  min: ['nodejs_eventloop_lag_min_seconds', 'The minimum recorded event loop delay.'],
  max: ['nodejs_eventloop_lag_max_seconds', 'The maximum recorded event loop delay.'],
  mean: ['nodejs_eventloop_lag_mean_seconds', 'The mean of the recorded event loop delays.'],
  stddev: ['nodejs_eventloop_lag_stddev_seconds', 'The standard deviation of the recorded event loop delays.'],
  p50: ['nodejs_eventloop_lag_p50_seconds', 'The 50th percentile of the recorded event loop delays.'],
  p90: ['nodejs_eventloop_lag_p90_seconds', 'The 90th percentile of the recorded event loop delays.'],
  p99: ['nodejs_eventloop_lag_p99_seconds', 'The 99th percentile of the recorded event loop delays.'],
} as const;

export const EVENT_LOOP_LAG_METRIC_NAMES: readonly string[] = Object.values(LAG_METRICS).map(([name]) => name);

/** Clock and timers of the sampler (tests drive it by hand). */
export interface EventLoopLagSeams {
  /** Milliseconds, monotonic (default `performance.now`). */
  now(): number;
  /** Calls `tick` every `ms` until the returned stop function runs (default an unref'd setInterval). */
  every(ms: number, tick: () => void): () => void;
  /** Runs `callback` after the current event-loop turn (default setImmediate). */
  soon(callback: () => void): void;
}

const systemSeams: EventLoopLagSeams = {
  now: () => performance.now(),
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
  soon: (callback) => setImmediate(callback),
};

/** The q-quantile (0..1) of ascending samples, nearest rank. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/**
 * The event-loop lag gauges of prom-client's default metrics, measured cheaply: a timer every
 * `sampleMs` records how late it fired (the lag itself, without the interval: prom-client's histogram
 * recorded the interval too, so at a 100 ms resolution its p50 read ~0.1 s on an idle process), and a
 * scrape summarises the samples since the previous one (min, max, mean, stddev, p50/p90/p99) and
 * starts afresh. `nodejs_eventloop_lag_seconds` is, as before, the delay of a setImmediate scheduled
 * by the previous scrape. prom-client's HDR histogram cost ~2 ms of CPU per scrape (its stddev and mean
 * walk every bucket); this costs a sort of at most one sample a second. Returns the stop function.
 */
export function registerEventLoopLag(
  registry: Registry,
  prefix = '',
  sampleMs = EVENT_LOOP_LAG_SAMPLE_MS,
  seams: EventLoopLagSeams = systemSeams,
): () => void {
  const samples: number[] = [];
  let expected = seams.now() + sampleMs;
  const stop = seams.every(sampleMs, () => {
    const now = seams.now();
    samples.push(Math.max(0, now - expected) / 1000);
    if (samples.length > MAX_SAMPLES) samples.shift();
    expected = now + sampleMs;
  });
  const gauge = (key: keyof typeof LAG_METRICS, collect?: () => void) =>
    new Gauge({
      name: `${prefix}${LAG_METRICS[key][0]}`,
      help: LAG_METRICS[key][1],
      registers: [registry],
      ...(collect ? { collect } : {}),
    });
  // Registered first, its collect sets the whole group before the registry reads the others (as prom-client's does).
  const lag: Gauge = gauge('lag', () => {
    const started = seams.now();
    seams.soon(() => lag.set(Math.max(0, seams.now() - started) / 1000));
    const sorted = samples.splice(0).sort((a, b) => a - b);
    const count = sorted.length;
    const average = count === 0 ? 0 : sorted.reduce((sum, value) => sum + value, 0) / count;
    const variance = count === 0 ? 0 : sorted.reduce((sum, value) => sum + (value - average) ** 2, 0) / count;
    summary.min.set(sorted[0] ?? 0);
    summary.max.set(sorted[count - 1] ?? 0);
    summary.mean.set(average);
    summary.stddev.set(Math.sqrt(variance));
    summary.p50.set(quantile(sorted, 0.5));
    summary.p90.set(quantile(sorted, 0.9));
    summary.p99.set(quantile(sorted, 0.99));
  });
  const summary = {
    min: gauge('min'),
    max: gauge('max'),
    mean: gauge('mean'),
    stddev: gauge('stddev'),
    p50: gauge('p50'),
    p90: gauge('p90'),
    p99: gauge('p99'),
  };
  return stop;
}
