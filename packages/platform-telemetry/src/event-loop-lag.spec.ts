import { Registry } from 'prom-client';
import { EVENT_LOOP_LAG_METRIC_NAMES, registerEventLoopLag, type EventLoopLagSeams } from './event-loop-lag.js';
import { createMetrics } from './metrics.js';

/** A clock and timers moved by hand. */
function manualSeams() {
  let now = 0;
  let tick: (() => void) | null = null;
  const soon: (() => void)[] = [];
  const seams: EventLoopLagSeams = {
    now: () => now,
    every(_ms, callback) {
      tick = callback;
      return () => {
        tick = null;
      };
    },
    soon: (callback) => soon.push(callback),
  };
  return {
    seams,
    /** The sampling timer fires `late` ms after it was due. */
    fire(every: number, late: number) {
      now += every + late;
      tick?.();
    },
    advance(ms: number) {
      now += ms;
    },
    runSoon() {
      for (const callback of soon.splice(0)) callback();
    },
    get stopped() {
      return tick === null;
    },
  };
}

function value(text: string, name: string): number {
  const line = text.split('\n').find((row) => row.startsWith(`${name} `));
  if (!line) throw new Error(`${name} not in the exposition`);
  return Number(line.split(' ')[1]);
}

describe('registerEventLoopLag', () => {
  it('summarises how late each sample fired (not the interval) since the previous scrape, then starts afresh', async () => {
    const registry = new Registry();
    const clock = manualSeams();
    const stop = registerEventLoopLag(registry, '', 1000, clock.seams);
    for (const late of [0, 10, 20, 30, 40, 50, 60, 70, 80, 1000]) clock.fire(1000, late);
    const text = await registry.metrics();
    expect(value(text, 'nodejs_eventloop_lag_min_seconds')).toBe(0);
    expect(value(text, 'nodejs_eventloop_lag_max_seconds')).toBe(1);
    expect(value(text, 'nodejs_eventloop_lag_mean_seconds')).toBeCloseTo(0.136, 6);
    expect(value(text, 'nodejs_eventloop_lag_stddev_seconds')).toBeCloseTo(0.28904, 5);
    expect(value(text, 'nodejs_eventloop_lag_p50_seconds')).toBe(0.04);
    expect(value(text, 'nodejs_eventloop_lag_p90_seconds')).toBe(0.08);
    expect(value(text, 'nodejs_eventloop_lag_p99_seconds')).toBe(1);
    // The setImmediate lag scheduled by this scrape shows in the next one.
    expect(value(text, 'nodejs_eventloop_lag_seconds')).toBe(0);
    clock.advance(5);
    clock.runSoon();

    clock.fire(1000, 3); // 5 + 3 ms after it was due
    const next = await registry.metrics();
    expect(value(next, 'nodejs_eventloop_lag_seconds')).toBe(0.005);
    expect(value(next, 'nodejs_eventloop_lag_min_seconds')).toBe(0.008);
    expect(value(next, 'nodejs_eventloop_lag_max_seconds')).toBe(0.008);
    expect(value(next, 'nodejs_eventloop_lag_stddev_seconds')).toBe(0);
    // Nothing sampled since: zeros, not the old figures.
    expect(value(await registry.metrics(), 'nodejs_eventloop_lag_p99_seconds')).toBe(0);
    stop();
    expect(clock.stopped).toBe(true);
  });

  it("replaces prom-client's event-loop metrics in the default set, under the same names, once each", async () => {
    const registry = new Registry();
    createMetrics({ registry, prefix: 'tgz_', collectDefault: true });
    const text = await registry.metrics();
    for (const name of EVENT_LOOP_LAG_METRIC_NAMES) {
      expect(text.split('\n').filter((line) => line.startsWith(`# TYPE tgz_${name} gauge`))).toHaveLength(1);
    }
  });
});
