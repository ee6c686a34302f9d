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

  it('formats a metric with a collect function, and every metric under default labels, through prom-client', async () => {
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
});
