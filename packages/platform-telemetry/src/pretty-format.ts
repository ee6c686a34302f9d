import type { LogContextKey } from './telemetry.types.js';

// The original's text format names: `req=… job=… project=… protocol=… step=…` (plus run).
const CONTEXT_LABELS: readonly [LogContextKey, string][] = [
  ['request_id', 'req'],
  ['job_id', 'job'],
  ['run_id', 'run'],
  ['project_id', 'project'],
  ['protocol_run_id', 'protocol'],
  ['step_run_id', 'step'],
];

const HEAD_KEYS = new Set<string>(['timestamp', 'level', 'logger', 'msg', ...CONTEXT_LABELS.map(([key]) => key)]);
const BARE_VALUE = /^[\w.:/@+-]+$/;

function formatValue(value: unknown): string {
  if (typeof value === 'string') return BARE_VALUE.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value) ?? String(value);
}

function isErrorRecord(value: unknown): value is { type?: string; message?: string; stack: string } {
  return typeof value === 'object' && value !== null && typeof (value as { stack?: unknown }).stack === 'string';
}

/**
 * Turns one JSON log line into `timestamp LEVEL logger msg req=… job=… key=value…`, with an error's
 * stack on the indented lines below. A line that is not a JSON object is returned unchanged.
 */
export function formatPrettyLine(line: string): string {
  const trimmed = line.trim();
  if (!trimmed) return '';
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return `${trimmed}\n`;
    record = parsed as Record<string, unknown>;
  } catch {
    return `${trimmed}\n`;
  }
  const level = String(record['level'] ?? '')
    .toUpperCase()
    .padEnd(5);
  const parts = [String(record['timestamp'] ?? ''), level, String(record['logger'] ?? ''), String(record['msg'] ?? '')];
  for (const [key, label] of CONTEXT_LABELS) {
    const value = record[key];
    if (value !== undefined && value !== null) parts.push(`${label}=${formatValue(value)}`);
  }
  const stacks: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (HEAD_KEYS.has(key) || value === undefined) continue;
    if (isErrorRecord(value)) {
      parts.push(`${key}=${formatValue(`${value.type ?? 'Error'}: ${value.message ?? ''}`)}`);
      stacks.push(value.stack.split('\n').slice(1).join('\n'));
      continue;
    }
    parts.push(`${key}=${formatValue(value)}`);
  }
  const head = parts.filter((part) => part !== '').join(' ');
  const tail = stacks
    .filter(Boolean)
    .map((stack) => `\n${stack}`)
    .join('');
  return `${head}${tail}\n`;
}

/** A pino destination that writes each JSON line to `target` in the readable format. */
export function createPrettyDestination(target: { write(text: string): unknown; flush?(): unknown }): {
  write(chunk: string): void;
  flush(): void;
} {
  return {
    write(chunk: string) {
      const text = chunk
        .split('\n')
        .map((line) => formatPrettyLine(line))
        .join('');
      if (text) target.write(text);
    },
    flush() {
      if (typeof target.flush === 'function') target.flush();
    },
  };
}
