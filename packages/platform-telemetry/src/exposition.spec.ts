import { jest } from '@jest/globals';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { createExposition } from './exposition.js';
import { createMetrics } from './metrics.js';

/** prom-client's own text of the registry, beside which every exposition text is checked. */
async function expectSameText(registry: Registry, text: () => Promise<string>): Promise<string> {
  const own = await text();
  expect(own).toBe(await registry.metrics());
  return own;
}

describe('createExposition', () => {
  it("gives prom-client's text for counters, gauges and histograms, with and without labels", async () => {
    const registry = new Registry();
    const exposition = createExposition(registry, () => undefined);
    const counter = new Counter({ name: 'c_total', help: 'A counter\nwith \\ in its help.', registers: [registry] });
    const labelled = new Counter({ name: 'l_total', help: 'Labelled.', labelNames: ['a', 'b'], registers: [registry] });
    const gauge = new Gauge({ name: 'g', help: 'A gauge.', labelNames: ['q'], registers: [registry] });
    const histogram = new Histogram({
      name: 'h_seconds',
      help: 'A histogram.',
      labelNames: ['path', 'status'],
      buckets: [0.01, 0.5, 2],
      registers: [registry],
    });
    const bare = new Histogram({ name: 'b_seconds', help: 'No labels.', buckets: [1], registers: [registry] });
    await expectSameText(registry, () => exposition.text());

    counter.inc(2.5);
    labelled.inc({ b: 'second', a: 'first' });
    labelled.inc({ a: 'quote " back \\ new\nline', b: '' }, 3);
    gauge.set({ q: 'x' }, Number.NaN);
    gauge.set({ q: 'y' }, Number.POSITIVE_INFINITY);
    gauge.set({ q: 'z' }, Number.NEGATIVE_INFINITY);
    gauge.labels({ q: 'w' }).set(0.1 + 0.2);
    histogram.observe({ path: '/a', status: '200' }, 0.005);
    histogram.observe({ status: '500', path: '/b "x"' }, 3);
    bare.observe(0.7);
    await expectSameText(registry, () => exposition.text());

    // A series that moves after it was formatted once is formatted again; the others are kept.
    histogram.observe({ path: '/a', status: '200' }, 0.2);
    histogram.labels({ path: '/a', status: '200' }).observe(0.2);
    bare.observe(5);
    await expectSameText(registry, () => exposition.text());

    histogram.remove({ path: '/a', status: '200' });
    histogram.zero({ path: '/c', status: '404' });
    labelled.remove({ a: 'first', b: 'second' });
    await expectSameText(registry, () => exposition.text());

    registry.resetMetrics();
    await expectSameText(registry, () => exposition.text());
    histogram.observe({ path: '/a', status: '200' }, 0.2);
    await expectSameText(registry, () => exposition.text());
  });

  it("gives prom-client's text for a metric with a collect function, and for every metric under default labels", async () => {
    const registry = new Registry();
    const exposition = createExposition(registry, () => undefined);
    let reads = 0;
    new Gauge({
      name: 'collected',
      help: 'Read on each scrape.',
      registers: [registry],
      collect() {
        reads += 1;
        this.set(reads);
      },
    });
    const counter = new Counter({ name: 'c_total', help: 'A counter.', registers: [registry] });
    counter.inc();
    expect(await exposition.text()).toContain('collected 1');
    expect(await registry.metrics()).toContain('collected 2');
    registry.setDefaultLabels({ host: 'a' });
    const labelled = await exposition.text();
    expect(labelled).toContain('collected{host="a"} 3');
    expect(labelled.replace('} 3', '} 4')).toBe(await registry.metrics());
  });

  it('runs the collect of a counter, gauge or histogram itself, once per scrape, and formats it here', async () => {
    const registry = new Registry();
    const exposition = createExposition(registry, () => undefined);
    let reads = 0;
    new Gauge({
      name: 'collected',
      help: 'Read on each scrape.',
      registers: [registry],
      collect() {
        reads += 1;
        this.set(reads);
      },
    });
    new Counter({
      name: 'later_total',
      help: 'Read after a wait.',
      registers: [registry],
      async collect() {
        await Promise.resolve();
        this.inc();
      },
    });
    const viaPromClient = jest.spyOn(
      registry as unknown as { getMetricsAsString(m: unknown): unknown },
      'getMetricsAsString',
    );
    const text = await exposition.text();
    expect(viaPromClient).not.toHaveBeenCalled();
    expect(reads).toBe(1);
    expect(text).toBe(
      '# HELP collected Read on each scrape.\n# TYPE collected gauge\ncollected 1\n\n' +
        '# HELP later_total Read after a wait.\n# TYPE later_total counter\nlater_total 1\n',
    );
    viaPromClient.mockRestore();
    // prom-client reads both once more (collected 2, later_total 2); the next scrape reads them a third time.
    const own = (await registry.metrics())
      .replace('collected 2', 'collected 3')
      .replace('later_total 2', 'later_total 3');
    expect(await exposition.text()).toBe(own);
  });

  it("keeps a metric's text only while its series, values and labels stay as they were", async () => {
    const registry = new Registry();
    const exposition = createExposition(registry, () => undefined);
    const gauge = new Gauge({ name: 'g', help: 'A gauge.', labelNames: ['a', 'b'], registers: [registry] });
    const plain = new Gauge({ name: 'p', help: 'Unlabelled.', registers: [registry] });
    const counter = new Counter({ name: 'c_total', help: 'A counter.', labelNames: ['k'], registers: [registry] });
    const histogram = new Histogram({ name: 'h', help: 'H.', buckets: [1], labelNames: ['k'], registers: [registry] });
    gauge.set({ a: '1', b: '2' }, 5);
    plain.set(1);
    counter.inc({ k: 'x' });
    counter.inc({ k: 'y' });
    histogram.observe({ k: 'x' }, 0.5);
    await expectSameText(registry, () => exposition.text());
    await expectSameText(registry, () => exposition.text());
    // The same value under labels given in another order: prom-client prints the new order.
    gauge.set({ b: '2', a: '1' }, 5);
    plain.set(1);
    await expectSameText(registry, () => exposition.text());
    plain.set(2);
    gauge.set({ b: '2', a: '1' }, 6);
    await expectSameText(registry, () => exposition.text());
    // A series removed and added back with the same value moves to the end.
    counter.remove({ k: 'x' });
    counter.inc({ k: 'x' });
    await expectSameText(registry, () => exposition.text());
    histogram.zero({ k: 'x' });
    await expectSameText(registry, () => exposition.text());
    histogram.observe({ k: 'x' }, 2);
    await expectSameText(registry, () => exposition.text());
    gauge.reset();
    counter.reset();
    await expectSameText(registry, () => exposition.text());
  });

  it('uses the text the caller keeps for a metric as it is', async () => {
    const registry = new Registry();
    const gauge = new Gauge({ name: 'g', help: 'A gauge.', registers: [registry] });
    const counter = new Counter({ name: 'c_total', help: 'A counter.', registers: [registry] });
    counter.inc();
    const exposition = createExposition(registry, (metric) => (metric === gauge ? 'kept' : undefined));
    expect(await exposition.text()).toBe('kept\n\n# HELP c_total A counter.\n# TYPE c_total counter\nc_total 1\n');
  });
});

describe("createMetrics' text", () => {
  it("is prom-client's text of its registry as requests, jobs and queue stats come in", async () => {
    const metrics = createMetrics();
    const text = () => metrics.text();
    await expectSameText(metrics.registry, text);
    for (let i = 0; i < 3; i += 1) {
      metrics.observeRequest({ route: '/health', method: 'get', status: 200, durationSeconds: 0.001 * i });
      metrics.observeRequest({ route: null, method: 'post', status: 404, durationSeconds: 7 });
      metrics.observeJob('execute_step_job', 'completed', 0.4);
      metrics.observeEvent('step_started');
      metrics.setQueueStats({ queues: { default: { queued: i, failed: 2 } } });
      await expectSameText(metrics.registry, text);
    }
    metrics.reset();
    await expectSameText(metrics.registry, text);
  });

  it('leaves the queue gauge with exactly the last stats, whoever set it in between', async () => {
    const metrics = createMetrics();
    const text = () => metrics.text();
    const stats = { queues: { default: { queued: 1, failed: 2 } } };
    metrics.setQueueStats(stats);
    metrics.setQueueStats(stats);
    const once = await expectSameText(metrics.registry, text);
    expect(once).toContain(
      'queue_jobs{queue="default",status="queued"} 1\nqueue_jobs{queue="default",status="failed"} 2\n',
    );
    metrics.instruments.queueJobs.set({ queue: 'other', status: 'queued' }, 9);
    metrics.setQueueStats(stats);
    expect(await expectSameText(metrics.registry, text)).not.toContain('other');
    metrics.instruments.queueJobs.set({ queue: 'default', status: 'queued' }, 7);
    metrics.setQueueStats(stats);
    expect(await expectSameText(metrics.registry, text)).toBe(once);
    metrics.setQueueStats({ queues: { default: { failed: 2, queued: 1 } } });
    expect(await expectSameText(metrics.registry, text)).toContain(
      'status="failed"} 2\nqueue_jobs{queue="default",status="queued"} 1',
    );
    metrics.setQueueStats({ queues: { default: { failed: 2 } } });
    expect(await expectSameText(metrics.registry, text)).not.toContain('status="queued"');
  });
});
