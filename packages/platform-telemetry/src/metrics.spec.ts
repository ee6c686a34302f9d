import { jest } from '@jest/globals';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { register as globalRegistry, Registry } from 'prom-client';
import { createManualClock } from '@tasksgodzilla/core';
import {
  createMetrics,
  DEFAULT_METRICS_MAX_AGE_MS,
  JOB_DURATION_BUCKETS,
  REQUEST_DURATION_BUCKETS,
} from './metrics.js';
import { expectSeries } from './metrics.test-helpers.js';
import type { Metrics, MetricsOptions } from './telemetry.types.js';

function seriesLines(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

/** Metrics after `observe`: the lines of `series` must be `expected`; `present` and `absent` check the whole text. */
interface SeriesCase {
  title: string;
  options?: MetricsOptions;
  observe: (metrics: Metrics) => void;
  series: string;
  expected: string[];
  present?: string[];
  absent?: RegExp;
}

describe('createMetrics', () => {
  it('declares the original metrics with their types, labels and buckets, plus the new ones', async () => {
    const metrics = createMetrics();
    metrics.observeRequest({ route: '/projects/:id', method: 'get', status: 200, durationSeconds: 0.2 });
    metrics.observeJob('execute_step_job', 'completed', 3);
    metrics.observeWebhook('github', 'received');
    metrics.observeEstimatedTokens('exec', 'gpt-5', 100);
    metrics.observeQaVerdict('PASS');
    metrics.observeTokens({
      phase: 'exec',
      model: 'gpt-5',
      engine: 'codex',
      input: 10,
      output: 5,
      cached: 2,
      costUsd: 0.5,
    });
    metrics.setQueueStats({ backend: 'embedded', queues: { default: { queued: 1 } } });
    metrics.observeEvent('step_started');
    const text = await metrics.text();

    const types: [string, string][] = [
      ['requests_total', 'counter'],
      ['requests_duration_seconds', 'histogram'],
      ['jobs_processed_total', 'counter'],
      ['jobs_duration_seconds', 'histogram'],
      ['webhooks_total', 'counter'],
      ['codex_token_estimated_total', 'counter'],
      ['qa_verdict_total', 'counter'],
      ['tokens_used_total', 'counter'],
      ['engine_cost_usd_total', 'counter'],
      ['queue_jobs', 'gauge'],
      ['events_total', 'counter'],
    ];
    for (const [name, type] of types) expect(text).toContain(`# TYPE ${name} ${type}\n`);

    expect(text).toContain('requests_total 1\n');
    expect(text).toContain('requests_duration_seconds_count{path="/projects/:id",method="GET",status="200"} 1');
    for (const bucket of REQUEST_DURATION_BUCKETS) {
      expect(text).toContain(
        `requests_duration_seconds_bucket{le="${bucket}",path="/projects/:id",method="GET",status="200"}`,
      );
    }
    expect(text).toContain(
      'requests_duration_seconds_bucket{le="+Inf",path="/projects/:id",method="GET",status="200"} 1',
    );
    expect(text).toContain('jobs_processed_total{job_type="execute_step_job",status="completed"} 1');
    for (const bucket of JOB_DURATION_BUCKETS) {
      expect(text).toContain(
        `jobs_duration_seconds_bucket{le="${bucket}",job_type="execute_step_job",status="completed"}`,
      );
    }
    expectSeries(text, [
      'jobs_duration_seconds_sum{job_type="execute_step_job",status="completed"} 3',
      'webhooks_total{provider="github",status="received"} 1',
      'codex_token_estimated_total{phase="exec",model="gpt-5"} 100',
      'qa_verdict_total{verdict="pass"} 1',
      'tokens_used_total{phase="exec",model="gpt-5",engine="codex",kind="input"} 10',
      'tokens_used_total{phase="exec",model="gpt-5",engine="codex",kind="output"} 5',
      'tokens_used_total{phase="exec",model="gpt-5",engine="codex",kind="cached"} 2',
      'engine_cost_usd_total{phase="exec",model="gpt-5",engine="codex"} 0.5',
      'queue_jobs{queue="default",status="queued"} 1',
      'events_total{event_type="step_started"} 1',
    ]);
  });

  it('exposes the Prometheus text content type', () => {
    expect(createMetrics().contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it.each<SeriesCase>([
    {
      title: 'labels requests by route template: two raw paths of one template make one series',
      observe: (metrics) => {
        metrics.observeRequest({ route: '/protocols/:id/steps', method: 'GET', status: 200, durationSeconds: 0.01 });
        metrics.observeRequest({ route: '/protocols/:id/steps', method: 'GET', status: 200, durationSeconds: 0.02 });
      },
      series: 'requests_duration_seconds_count',
      expected: ['requests_duration_seconds_count{path="/protocols/:id/steps",method="GET",status="200"} 2'],
      absent: /path="\/protocols\/\d/,
    },
    {
      title: 'labels a missing, empty or unknown route as unmatched',
      options: { routes: ['/projects', '/projects/:id'] },
      observe: (metrics) => {
        metrics.observeRequest({ method: 'GET', status: 404, durationSeconds: 0.001 });
        metrics.observeRequest({ route: null, method: 'GET', status: 404, durationSeconds: 0.001 });
        metrics.observeRequest({ route: '  ', method: 'POST', status: 404, durationSeconds: 0.001 });
        metrics.observeRequest({
          route: '/projects/12/secret-path',
          method: 'GET',
          status: 404,
          durationSeconds: 0.001,
        });
        metrics.observeRequest({ route: '/projects/:id', method: 'GET', status: '200', durationSeconds: 0.001 });
      },
      series: 'requests_duration_seconds_count',
      expected: [
        'requests_duration_seconds_count{path="unmatched",method="GET",status="404"} 3',
        'requests_duration_seconds_count{path="unmatched",method="POST",status="404"} 1',
        'requests_duration_seconds_count{path="/projects/:id",method="GET",status="200"} 1',
      ],
      present: ['requests_total 5\n'],
    },
    {
      title: 'counts jobs by outcome',
      observe: (metrics) => {
        metrics.observeJob('plan_protocol_job', 'completed', 1);
        metrics.observeJob('plan_protocol_job', 'retried', 0.4);
        metrics.observeJob('plan_protocol_job', 'failed', 70);
      },
      series: 'jobs_processed_total',
      expected: [
        'jobs_processed_total{job_type="plan_protocol_job",status="completed"} 1',
        'jobs_processed_total{job_type="plan_protocol_job",status="retried"} 1',
        'jobs_processed_total{job_type="plan_protocol_job",status="failed"} 1',
      ],
      present: [
        'jobs_duration_seconds_bucket{le="60",job_type="plan_protocol_job",status="failed"} 0',
        'jobs_duration_seconds_bucket{le="+Inf",job_type="plan_protocol_job",status="failed"} 1',
      ],
    },
    {
      title: 'lowercases QA verdicts',
      observe: (metrics) => {
        metrics.observeQaVerdict('PASS');
        metrics.observeQaVerdict('pass');
        metrics.observeQaVerdict(' Fail ');
      },
      series: 'qa_verdict_total',
      expected: ['qa_verdict_total{verdict="pass"} 2', 'qa_verdict_total{verdict="fail"} 1'],
    },
  ])('$title', async ({ options, observe, series, expected, present = [], absent }) => {
    const metrics = createMetrics(options);
    observe(metrics);
    const text = await metrics.text();
    expect(seriesLines(text, series)).toEqual(expected);
    expectSeries(text, present);
    if (absent) expect(text).not.toMatch(absent);
  });

  it('sets queue gauges from a stats snapshot and drops series that left the snapshot', async () => {
    const metrics = createMetrics();
    metrics.setQueueStats({
      backend: 'embedded',
      queues: { default: { queued: 3, running: 1, failed: 0 }, slow: { queued: 2 } },
    });
    let text = await metrics.text();
    expect(seriesLines(text, 'queue_jobs')).toEqual([
      'queue_jobs{queue="default",status="queued"} 3',
      'queue_jobs{queue="default",status="running"} 1',
      'queue_jobs{queue="default",status="failed"} 0',
      'queue_jobs{queue="slow",status="queued"} 2',
    ]);
    metrics.setQueueStats({ backend: 'embedded', queues: { default: { queued: 0, running: 2 } } });
    text = await metrics.text();
    expect(seriesLines(text, 'queue_jobs')).toEqual([
      'queue_jobs{queue="default",status="queued"} 0',
      'queue_jobs{queue="default",status="running"} 2',
    ]);
  });

  it("accepts a stats interface such as platform-queue's and skips non-numeric fields", async () => {
    interface QueueCounts {
      queued: number;
      running: number;
    }
    interface QueueStats {
      backend: 'embedded' | 'bullmq';
      queues: Record<string, QueueCounts>;
    }
    const stats: QueueStats = { backend: 'bullmq', queues: { default: { queued: 4, running: 0 } } };
    const metrics = createMetrics();
    metrics.setQueueStats(stats);
    metrics.setQueueStats({ queues: { default: { queued: 1, note: 'x', bad: Number.NaN } } });
    expect(seriesLines(await metrics.text(), 'queue_jobs')).toEqual(['queue_jobs{queue="default",status="queued"} 1']);
  });

  it('adds up real tokens and cost per phase, model and engine, and ignores missing or invalid amounts', async () => {
    const metrics = createMetrics();
    metrics.observeTokens({
      phase: 'qa',
      model: 'sonnet',
      engine: 'claude-code',
      input: 100,
      output: 20,
      costUsd: 0.01,
    });
    metrics.observeTokens({
      phase: 'qa',
      model: 'sonnet',
      engine: 'claude-code',
      input: 50,
      output: 5,
      cached: 0,
      costUsd: 0.02,
    });
    metrics.observeTokens({ phase: 'exec', engine: 'shell', input: -4, output: Number.NaN, costUsd: null });
    const text = await metrics.text();
    expect(seriesLines(text, 'tokens_used_total')).toEqual([
      'tokens_used_total{phase="qa",model="sonnet",engine="claude-code",kind="input"} 150',
      'tokens_used_total{phase="qa",model="sonnet",engine="claude-code",kind="output"} 25',
    ]);
    const cost = seriesLines(text, 'engine_cost_usd_total');
    expect(cost).toHaveLength(1);
    expect(Number(cost[0]!.split(' ')[1])).toBeCloseTo(0.03, 10);
  });

  it('labels a missing model as unknown', async () => {
    const metrics = createMetrics();
    metrics.observeEstimatedTokens('planning', undefined, 7);
    metrics.observeTokens({ phase: 'exec', model: null, engine: 'codex', output: 3 });
    const text = await metrics.text();
    expect(text).toContain('codex_token_estimated_total{phase="planning",model="unknown"} 7');
    expect(text).toContain('tokens_used_total{phase="exec",model="unknown",engine="codex",kind="output"} 3');
  });

  it('keeps instances apart and never touches the global registry', async () => {
    const first = createMetrics();
    const second = createMetrics();
    first.observeWebhook('gitlab', 'unauthorized');
    expect(await first.text()).toContain('webhooks_total{provider="gitlab",status="unauthorized"} 1');
    expect(seriesLines(await second.text(), 'webhooks_total')).toEqual([]);
    expect(await globalRegistry.getMetricsAsJSON()).toEqual([]);
  });

  it('registers on a given registry with a prefix, and collects default metrics only when asked', async () => {
    const registry = new Registry();
    const metrics = createMetrics({ registry, prefix: 'tgz_', collectDefault: true });
    expect(metrics.registry).toBe(registry);
    metrics.observeEvent('planned');
    const text = await registry.metrics();
    expect(text).toContain('tgz_events_total{event_type="planned"} 1');
    expect(text).toContain('tgz_process_cpu_user_seconds_total');
    expect(await createMetrics().text()).not.toContain('process_cpu_user_seconds_total');
  });

  it('reads the default collectors at most once per DEFAULT_METRICS_MAX_AGE_MS; its own metrics are always current', async () => {
    const clock = createManualClock();
    const metrics = createMetrics({ collectDefault: true, clock });
    const openFds = async () => Number(seriesLines(await metrics.text(), 'process_open_fds')[0]?.split(' ')[1]);
    const before = await openFds();
    expect(before).toBeGreaterThan(0);
    const fds = Array.from({ length: 20 }, () => openSync(fileURLToPath(import.meta.url), 'r'));
    try {
      clock.advance(DEFAULT_METRICS_MAX_AGE_MS - 1);
      metrics.observeEvent('planned');
      const text = await metrics.text();
      expect(seriesLines(text, 'process_open_fds')).toEqual([`process_open_fds ${before}`]);
      expect(seriesLines(text, 'events_total')).toEqual(['events_total{event_type="planned"} 1']);
      clock.advance(1);
      expect(await openFds()).toBeGreaterThan(before);
    } finally {
      for (const fd of fds) closeSync(fd);
    }
  });

  it('reuses the text of a default collector whose reading is not due; a reset or a new reading formats it again', async () => {
    const clock = createManualClock();
    const metrics = createMetrics({ collectDefault: true, clock });
    const fdsMetric = metrics.registry.getSingleMetric('process_open_fds')!;
    const first = await metrics.text();
    const formatted = jest.spyOn(fdsMetric, 'get');
    try {
      clock.advance(DEFAULT_METRICS_MAX_AGE_MS - 1);
      metrics.observeEvent('planned');
      const second = await metrics.text();
      expect(formatted).not.toHaveBeenCalled();
      expect(seriesLines(second, 'process_open_fds')).toEqual(seriesLines(first, 'process_open_fds'));
      expect(seriesLines(second, 'events_total')).toEqual(['events_total{event_type="planned"} 1']);
      metrics.reset();
      expect(seriesLines(await metrics.text(), 'process_open_fds')).toEqual(['process_open_fds 0']);
      expect(formatted).toHaveBeenCalledTimes(1);
      clock.advance(1);
      expect(Number(seriesLines(await metrics.text(), 'process_open_fds')[0]?.split(' ')[1])).toBeGreaterThan(0);
      expect(formatted).toHaveBeenCalledTimes(2);
    } finally {
      formatted.mockRestore();
    }
  });

  it('resets every metric', async () => {
    const metrics = createMetrics();
    metrics.observeEvent('planned');
    metrics.reset();
    expect(seriesLines(await metrics.text(), 'events_total')).toEqual([]);
  });
});
