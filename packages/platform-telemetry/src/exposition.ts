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

/** The last text of a counter, gauge or histogram and what it was formatted from. */
interface MetricText {
  hashMap: Record<string, Series>;
  name: string;
  help: string;
  keys: string[];
  series: Series[];
  labels: Record<string, unknown>[];
  values: number[];
  sums: number[];
  text: string;
}

function noLabels(labels: Record<string, unknown>): boolean {
  for (const _ in labels) return false;
  return true;
}

/**
 * Whether `metric` would be formatted as `kept` was: the same name, help and series in the same order,
 * each with its value (histograms: the same series object with its count and sum, as a histogram's
 * buckets only move with its count) and the same labels (a gauge's `set` replaces its series with new
 * objects: an unlabelled one still reads the same).
 */
function unchanged(kept: MetricText, metric: Kept, hashMap: Record<string, Series>, histogram: boolean): boolean {
  if (kept.name !== metric.name || kept.help !== metric.help) return false;
  let i = 0;
  for (const key in hashMap) {
    const series = hashMap[key] as Series;
    if (i >= kept.keys.length || kept.keys[i] !== key) return false;
    if (histogram) {
      if (kept.series[i] !== series || kept.values[i] !== series.count || !Object.is(kept.sums[i], series.sum))
        return false;
    } else {
      if (!Object.is(kept.values[i], series.value)) return false;
      const labels = kept.labels[i] as Record<string, unknown>;
      if (labels !== series.labels && !(noLabels(labels) && noLabels(series.labels))) return false;
    }
    i += 1;
  }
  return i === kept.keys.length;
}

function snapshot(metric: Kept, hashMap: Record<string, Series>, text: string): MetricText {
  const kept: MetricText = {
    hashMap,
    name: metric.name,
    help: metric.help,
    keys: [],
    series: [],
    labels: [],
    values: [],
    sums: [],
    text,
  };
  for (const key in hashMap) {
    const series = hashMap[key] as Series;
    kept.keys.push(key);
    kept.series.push(series);
    kept.labels.push(series.labels);
    kept.values.push((series.count ?? series.value) as number);
    kept.sums.push(series.sum as number);
  }
  return kept;
}

/**
 * The exposition of `registry`. `reused(metric)` may return a text kept for a metric (a throttled
 * default collector whose reading is not due); it is used as it is. A metric for which `formatsItself`
 * is true and `reused` gives nothing goes through prom-client's formatting; any other metric with a
 * `collect` has it run first, as prom-client's `get()` does, then is formatted here.
 */
export function createExposition(
  registry: Registry,
  reused: (metric: unknown) => string | undefined,
  formatsItself: (metric: unknown) => boolean = () => false,
): Exposition {
  const histogramTexts = new WeakMap<Series, SeriesText>();
  // A metric's whole text, reused while nothing it was formatted from has moved (issue 12).
  const metricTexts = new WeakMap<object, MetricText>();

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

  /** The text of a counter, gauge or histogram, kept while it does not move. */
  const formatKept = (metric: Kept, hashMap: Record<string, Series>, format: () => string, histogram: boolean) => {
    const kept = metricTexts.get(metric);
    if (kept && kept.hashMap === hashMap && unchanged(kept, metric, hashMap, histogram)) return kept.text;
    const text = format();
    metricTexts.set(metric, snapshot(metric, hashMap, text));
    return text;
  };

  /** The text of a metric formatted here (its collect already run), or undefined when prom-client must format it. */
  const formatted = (metric: unknown): string | undefined => {
    const kept = metric as Kept;
    const hashMap = kept.hashMap;
    if (!hashMap || typeof hashMap !== 'object') return undefined;
    if (metric instanceof Histogram) {
      const upperBounds = kept.upperBounds;
      return Array.isArray(upperBounds)
        ? formatKept(kept, hashMap, () => formatHistogram(kept, hashMap, upperBounds), true)
        : undefined;
    }
    if (metric instanceof Counter)
      return formatKept(kept, hashMap, () => formatValues(kept, 'counter', hashMap), false);
    if (metric instanceof Gauge) return formatKept(kept, hashMap, () => formatValues(kept, 'gauge', hashMap), false);
    return undefined;
  };

  /** Whether `formatted` can format the metric (its collect, if any, run first). */
  const ownFormat = (metric: unknown): boolean => {
    const kept = metric as Kept;
    if (!kept.hashMap || typeof kept.hashMap !== 'object') return false;
    if (metric instanceof Histogram) return Array.isArray(kept.upperBounds);
    return metric instanceof Counter || metric instanceof Gauge;
  };

  const defaultLabels = (): boolean =>
    Object.keys((registry as unknown as { _defaultLabels?: object })._defaultLabels ?? {}).length > 0;

  const viaPromClient = (metric: unknown): Promise<string> =>
    (registry as unknown as Formatter).getMetricsAsString(metric);

  return {
    async text() {
      if (registry.contentType !== 'text/plain; version=0.0.4; charset=utf-8' || defaultLabels())
        return registry.metrics();
      const metrics = registry.getMetricsAsArray();
      const texts: (string | Promise<string>)[] = [];
      let pending = false;
      for (const metric of metrics) {
        let text = reused(metric);
        if (text === undefined) {
          const collect = (metric as Kept).collect;
          if (collect && (formatsItself(metric) || !ownFormat(metric))) {
            texts.push(viaPromClient(metric));
            pending = true;
            continue;
          }
          // As prom-client's get(): the collect runs when the metric's turn comes, then its series are read.
          const collected: unknown = collect ? (collect as (this: unknown) => unknown).call(metric) : undefined;
          if (collected instanceof Promise) {
            texts.push(collected.then(() => formatted(metric) as string));
            pending = true;
            continue;
          }
          text = formatted(metric);
          if (text === undefined) {
            texts.push(viaPromClient(metric));
            pending = true;
            continue;
          }
        }
        texts.push(text);
      }
      const all = pending ? await Promise.all(texts) : (texts as string[]);
      return `${all.join('\n\n')}\n`;
    },
  };
}
