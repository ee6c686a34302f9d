import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/*
 * The Prometheus text of a registry, the same text `registry.metrics()` gives, formatted without a
 * promise per metric and per value and reusing the text of every histogram series whose count and sum
 * have not moved (issue 12: prom-client's formatting, the request-duration histogram first, was most of
 * a scrape). It reads the series prom-client keeps (`hashMap`, `upperBounds`: prom-client 15); a metric
 * that does not have them, has a `collect`, or a registry with default labels or the OpenMetrics type
 * goes through prom-client's own formatting. The spec compares both texts.
 */

/** A series as prom-client 15 keeps it for counters and gauges (`value`) and histograms (buckets, sum, count). */
interface Series {
  labels: Record<string, unknown>;
  value?: number;
  bucketValues?: Record<string, number>;
  sum?: number;
  count?: number;
}

interface Kept {
  hashMap?: Record<string, Series>;
  upperBounds?: number[];
  collect?: unknown;
  name: string;
  help: string;
}

/** prom-client's formatting of one metric (not in its typings; `registry.metrics()` calls it per metric). */
type Formatter = { getMetricsAsString(metric: unknown): Promise<string> };

/** One formatted histogram series and the count and sum it was formatted from. */
interface SeriesText {
  count: number;
  sum: number;
  text: string;
}

function escapeString(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function labelValue(value: unknown): unknown {
  return typeof value === 'string' ? escapeString(value).replace(/"/g, '\\"') : value;
}

function valueText(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (!Number.isFinite(value)) return value < 0 ? '-Inf' : '+Inf';
  return `${value}`;
}

function labelsText(labels: Record<string, unknown>): string {
  let text = '';
  for (const [name, value] of Object.entries(labels)) text += `${text ? ',' : ''}${name}="${labelValue(value)}"`;
  return text;
}

/** Lines of one histogram series, as prom-client's `le` first, then the series' own labels. */
function histogramSeries(name: string, upperBounds: readonly number[], series: Series): string {
  const own = labelsText(series.labels);
  const shared = own ? `,${own}` : '';
  const buckets = series.bucketValues ?? {};
  let acc = 0;
  let text = '';
  for (const bound of upperBounds) {
    acc += buckets[bound] as number;
    text += `\n${name}_bucket{le="${labelValue(bound)}"${shared}} ${valueText(acc)}`;
  }
  const plain = own ? `{${own}}` : '';
  text += `\n${name}_bucket{le="+Inf"${shared}} ${valueText(series.count as number)}`;
  text += `\n${name}_sum${plain} ${valueText(series.sum as number)}`;
  text += `\n${name}_count${plain} ${valueText(series.count as number)}`;
  return text;
}

export interface Exposition {
  /** The registry's text; equal to `registry.metrics()`. */
  text(): Promise<string>;
}

/**
 * The exposition of `registry`. `reused(metric)` may return a text kept for a metric (a throttled
 * default collector whose reading is not due); it is used as it is.
 */
export function createExposition(registry: Registry, reused: (metric: unknown) => string | undefined): Exposition {
  const histogramTexts = new WeakMap<Series, SeriesText>();

  const formatHistogram = (metric: Kept, hashMap: Record<string, Series>, upperBounds: number[]): string => {
    const name = escapeString(metric.name);
    let text = `# HELP ${name} ${escapeString(metric.help)}\n# TYPE ${name} histogram`;
    for (const series of Object.values(hashMap)) {
      const count = series.count as number;
      const sum = series.sum as number;
      let kept = histogramTexts.get(series);
      if (!kept || kept.count !== count || !Object.is(kept.sum, sum)) {
        kept = { count, sum, text: histogramSeries(name, upperBounds, series) };
        histogramTexts.set(series, kept);
      }
      text += kept.text;
    }
    return text;
  };

  const formatValues = (metric: Kept, type: string, hashMap: Record<string, Series>): string => {
    const name = escapeString(metric.name);
    let text = `# HELP ${name} ${escapeString(metric.help)}\n# TYPE ${name} ${type}`;
    for (const series of Object.values(hashMap)) {
      const labels = labelsText(series.labels);
      text += `\n${name}${labels ? `{${labels}}` : ''} ${valueText(series.value as number)}`;
    }
    return text;
  };

  /** The text of a metric formatted here, or undefined when prom-client must format it. */
  const ownText = (metric: unknown): string | undefined => {
    const kept = metric as Kept;
    if (kept.collect || !kept.hashMap || typeof kept.hashMap !== 'object') return undefined;
    if (metric instanceof Histogram)
      return Array.isArray(kept.upperBounds) ? formatHistogram(kept, kept.hashMap, kept.upperBounds) : undefined;
    if (metric instanceof Counter) return formatValues(kept, 'counter', kept.hashMap);
    if (metric instanceof Gauge) return formatValues(kept, 'gauge', kept.hashMap);
    return undefined;
  };

  const defaultLabels = (): boolean =>
    Object.keys((registry as unknown as { _defaultLabels?: object })._defaultLabels ?? {}).length > 0;

  return {
    async text() {
      if (registry.contentType !== 'text/plain; version=0.0.4; charset=utf-8' || defaultLabels())
        return registry.metrics();
      const metrics = registry.getMetricsAsArray();
      const texts: (string | Promise<string>)[] = [];
      let pending = false;
      for (const metric of metrics) {
        const text = reused(metric) ?? ownText(metric);
        if (text !== undefined) texts.push(text);
        else {
          texts.push((registry as unknown as Formatter).getMetricsAsString(metric));
          pending = true;
        }
      }
      const all = pending ? await Promise.all(texts) : (texts as string[]);
      return `${all.join('\n\n')}\n`;
    },
  };
}
