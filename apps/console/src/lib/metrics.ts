/** One sample of the Prometheus text format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescape(value: string): string {
  return value.replace(/\\(["\\n])/g, (_match, char: string) => (char === 'n' ? '\n' : char));
}

/** Parses Prometheus text exposition (comments skipped); only the metric names asked for. */
export function parseMetrics(text: string, names?: readonly string[]): Sample[] {
  const wanted = names ? new Set(names) : undefined;
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const [, name = '', labelText = '', raw = ''] = match;
    if (wanted && !wanted.has(name)) continue;
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    const labels: Record<string, string> = {};
    for (const label of labelText.matchAll(LABEL)) labels[label[1] ?? ''] = unescape(label[2] ?? '');
    out.push({ name, labels, value });
  }
  return out;
}

export interface UsageRow {
  key: string;
  tokens: number;
  costUsd: number;
}

export interface ServerObservability {
  verdicts: { verdict: string; count: number }[];
  pass: number;
  total: number;
  passRate: number | null;
  byPhase: UsageRow[];
  byModel: UsageRow[];
}

function addTo(rows: Map<string, UsageRow>, key: string, tokens: number, costUsd: number): void {
  const row = rows.get(key) ?? { key, tokens: 0, costUsd: 0 };
  row.tokens += tokens;
  row.costUsd += costUsd;
  rows.set(key, row);
}

const byTokens = (a: UsageRow, b: UsageRow) =>
  b.tokens - a.tokens || b.costUsd - a.costUsd || a.key.localeCompare(b.key);

/**
 * QA verdicts (`qa_verdict_total`), tokens (`tokens_used_total`, every kind) and cost
 * (`engine_cost_usd_total`) per phase and per model, across the server since it started.
 */
export function serverObservability(text: string): ServerObservability {
  const samples = parseMetrics(text, ['qa_verdict_total', 'tokens_used_total', 'engine_cost_usd_total']);
  const verdicts = new Map<string, number>();
  const phases = new Map<string, UsageRow>();
  const models = new Map<string, UsageRow>();
  for (const sample of samples) {
    if (sample.name === 'qa_verdict_total') {
      const verdict = (sample.labels['verdict'] ?? 'unknown').toUpperCase();
      verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + sample.value);
      continue;
    }
    const phase = sample.labels['phase'] || 'unknown';
    const model = sample.labels['model'] || 'default';
    const tokens = sample.name === 'tokens_used_total' ? sample.value : 0;
    const cost = sample.name === 'engine_cost_usd_total' ? sample.value : 0;
    addTo(phases, phase, tokens, cost);
    addTo(models, model, tokens, cost);
  }
  const pass = verdicts.get('PASS') ?? 0;
  const total = [...verdicts.values()].reduce((sum, count) => sum + count, 0);
  return {
    verdicts: [...verdicts.entries()]
      .map(([verdict, count]) => ({ verdict, count }))
      .sort((a, b) => a.verdict.localeCompare(b.verdict)),
    pass,
    total,
    passRate: total > 0 ? pass / total : null,
    byPhase: [...phases.values()].sort(byTokens),
    byModel: [...models.values()].sort(byTokens),
  };
}
