import type { HealthReport } from '@tasksgodzilla/runtime';
import { healthBody } from './health.js';

type Stats = NonNullable<HealthReport['queue']['stats']>;

function stats(queued: number): Stats {
  const counts = { queued, delayed: 0, retrying: 0, running: 0, succeeded: 3, failed: 0, cancelled: 0 };
  return { backend: 'embedded', queues: { default: counts } };
}

function report(queueStats: Stats, dbOk = true): HealthReport {
  return {
    status: dbOk ? 'ok' : 'degraded',
    db: { ok: dbOk, backend: 'sqlite', location: '/srv/private/tgz.sqlite', ...(dbOk ? {} : { error: 'disk I/O' }) },
    queue: { ok: true, backend: 'embedded', stats: queueStats },
  };
}

describe('healthBody', () => {
  it('serializes the public report once while the reports say the same, and again when they do not', () => {
    const serialized: unknown[] = [];
    const body = healthBody((value) => {
      serialized.push(value);
      return JSON.stringify(value);
    });
    const counts = stats(1);
    const first = body(report(counts));
    expect(JSON.parse(first)).toEqual({
      status: 'ok',
      db: { ok: true, backend: 'sqlite' },
      queue: { ok: true, backend: 'embedded', stats: JSON.parse(JSON.stringify(counts)) },
    });
    // The same counts (the health check reuses them for a second): the same text, not serialized again.
    expect(body(report(counts))).toBe(first);
    expect(serialized).toHaveLength(1);
    // New counts, then a failed database: new texts, never the location or the error.
    expect(JSON.parse(body(report(stats(2)))).queue.stats.queues.default.queued).toBe(2);
    const degraded = body(report(stats(2), false));
    expect(JSON.parse(degraded)).toMatchObject({ status: 'degraded', db: { ok: false, backend: 'sqlite' } });
    expect(degraded).not.toContain('/srv/private');
    expect(degraded).not.toContain('disk I/O');
    expect(serialized).toHaveLength(3);
  });
});
