import { terminalSafe } from './terminal-text.js';
import type {
  CodexRunOut,
  EventOut,
  Job,
  OnboardingSummary,
  ProtocolSpecOut,
  ProtocolUsageOut,
  QueueStats,
  StepRunOut,
} from '@tasksgodzilla/client';

// Every text rendering of the cli lives here: commands call these and print the result.

/** `2026-11-27 17:00:00` from an ISO timestamp (its own offset, no conversion); `-` when empty. */
export function formatTs(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'number') return formatTs(new Date(value * 1000).toISOString());
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})/.exec(value);
  return match ? `${match[1]} ${match[2]}` : value;
}

/** `-` for null, undefined and empty strings; JSON for objects; the text otherwise. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'object') return JSON.stringify(value);
  // One line per row: a newline or an escape sequence in a stored name cannot fake rows or drive the terminal.
  return terminalSafe(String(value), { singleLine: true });
}

export function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, Math.max(0, max - 1))}…`;
}

/** The first 12 characters of a spec hash, or `-`. */
export function shortHash(hash: string | null | undefined): string {
  return hash ? hash.slice(0, 12) : '-';
}

/**
 * A plain text table: headers, a line of dashes, then rows; columns as wide as their widest cell,
 * separated by two spaces, no trailing spaces.
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const text = rows.map((row) => headers.map((_, i) => cell(row[i])));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}

/** `key: value` lines, keys aligned; nested objects as compact JSON. Replaces the original's dict repr. */
export function renderRecord(record: Record<string, unknown>, keys?: readonly string[]): string {
  const entries = (keys ?? Object.keys(record)).filter((k) => k in record).map((k) => [k, record[k]] as const);
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  return entries
    .map(
      ([k, v]) => `${`${k}:`.padEnd(width + 1)} ${k.endsWith('_at') && typeof v === 'string' ? formatTs(v) : cell(v)}`,
    )
    .join('\n');
}

/** Who an event is about: protocol name (or run id) and step. */
function eventScope(event: EventOut): string {
  const parts: string[] = [];
  const protocol = event.protocol_name ?? (event.protocol_run_id === null ? null : `#${event.protocol_run_id}`);
  if (protocol) parts.push(`protocol ${protocol}`);
  else if (event.project_id !== null && event.project_id !== undefined) parts.push(`project ${event.project_id}`);
  if (event.step_run_id !== null && event.step_run_id !== undefined) parts.push(`step ${event.step_run_id}`);
  return parts.join(', ');
}

/** One readable line per event: `[2026-11-27 17:00:00] step_completed (protocol 0001-demo, step 3) :: message`. */
export function formatEventLine(event: EventOut): string {
  const spec =
    typeof event.metadata?.['spec_hash'] === 'string' ? ` [spec:${shortHash(event.metadata['spec_hash'])}]` : '';
  const scope = eventScope(event);
  return `[${formatTs(event.created_at)}] ${event.event_type}${scope ? ` (${scope})` : ''}${spec} :: ${event.message}`;
}

/** The events as a table; `ids: false` leaves the ID column out (the original's `events recent`). */
export function renderEvents(events: readonly EventOut[], { ids = true }: { ids?: boolean } = {}): string {
  return renderTable(
    ['ID', 'Time', 'Type', 'Protocol', 'Step', 'Spec', 'Message'].slice(ids ? 0 : 1),
    events.map((e) => [
      ...(ids ? [e.id] : []),
      formatTs(e.created_at),
      e.event_type,
      e.protocol_name ?? e.protocol_run_id,
      e.step_run_id,
      shortHash(typeof e.metadata?.['spec_hash'] === 'string' ? e.metadata['spec_hash'] : null),
      truncate(e.message, 80),
    ]),
  );
}

/** `Backend: embedded` then one row per queue with a column per status. */
export function renderQueueStats(
  stats: QueueStats | ({ backend: string } & Record<string, Record<string, number> | string>),
): string {
  const lines = [`Backend: ${stats.backend}`];
  const queues = Object.entries(stats).filter(
    (entry): entry is [string, Record<string, number>] =>
      entry[0] !== 'backend' && typeof entry[1] === 'object' && entry[1] !== null,
  );
  if (queues.length === 0) return [...lines, 'No queues.'].join('\n');
  const statuses: string[] = [];
  for (const [, counts] of queues)
    for (const status of Object.keys(counts)) if (!statuses.includes(status)) statuses.push(status);
  lines.push(
    renderTable(
      ['Queue', ...statuses],
      queues.map(([name, counts]) => [name, ...statuses.map((s) => counts[s] ?? 0)]),
    ),
  );
  const scalars = Object.entries(stats).filter(([k, v]) => k !== 'backend' && (typeof v !== 'object' || v === null));
  for (const [k, v] of scalars) lines.push(`${k}: ${cell(v)}`);
  return lines.join('\n');
}

/** The onboarding summary: status, workspace, last event, stages, the newest events. */
export function renderOnboarding(summary: OnboardingSummary, recent = 8): string {
  const lines = [
    `Project ${summary.project_id} onboarding status: ${summary.status}`,
    `Workspace: ${summary.workspace_path ?? '-'}`,
  ];
  if (summary.last_event)
    lines.push(
      `Last event: ${summary.last_event.event_type} at ${formatTs(summary.last_event.created_at)} — ${summary.last_event.message}`,
    );
  if (summary.stages.length > 0) {
    lines.push(
      '',
      renderTable(
        ['Stage', 'Status', 'At', 'Message'],
        summary.stages.map((s) => [s.name, s.status, formatTs(s.created_at), truncate(s.message ?? '', 50)]),
      ),
    );
  }
  const events = newestFirst(summary.events).slice(0, recent);
  if (events.length > 0) {
    lines.push('', 'Recent events:');
    for (const e of events) lines.push(`- ${formatTs(e.created_at)} ${e.event_type}: ${e.message}`);
  }
  return lines.join('\n');
}

/** Sorts events newest first (by id, which follows time), whatever order the api used. */
export function newestFirst(events: readonly EventOut[]): EventOut[] {
  return [...events].sort((a, b) => b.id - a.id);
}

/** Human duration: `850 ms`, `12.3 s`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Text bodies (logs, diffs) end with exactly one newline when printed. */
export function asBlock(text: string): string {
  return text.replace(/\n+$/, '');
}

export function renderSteps(steps: readonly StepRunOut[]): string {
  return renderTable(
    ['ID', 'Idx', 'Name', 'Type', 'Status', 'Retries', 'Engine', 'Summary', 'Updated'],
    steps.map((s) => [
      s.id,
      s.step_index,
      s.step_name,
      s.step_type,
      s.status,
      s.retries,
      s.engine_id,
      truncate(s.summary ?? '', 40),
      formatTs(s.updated_at),
    ]),
  );
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** Header (hash, validation, errors) and one row per spec step. */
export function renderProtocolSpec(spec: ProtocolSpecOut): string {
  const lines = [
    `Protocol ${spec.protocol_name} (${spec.protocol_run_id}), project ${spec.project_id}`,
    `Spec hash: ${spec.spec_hash ?? '-'}`,
    `Validation: ${spec.validation_status ?? '-'}${spec.validated_at ? ` at ${formatTs(spec.validated_at)}` : ''}`,
  ];
  for (const error of spec.validation_errors ?? []) lines.push(`  - ${error}`);
  const steps = Array.isArray(spec.spec?.['steps'])
    ? (spec.spec['steps'] as unknown[]).map(asRecord).filter((s): s is Record<string, unknown> => s !== null)
    : [];
  if (!spec.spec) lines.push('No spec yet (the run is not planned).');
  else if (steps.length > 0) {
    lines.push(
      '',
      renderTable(
        ['#', 'Step', 'Type', 'Engine', 'Model', 'QA', 'Checks', 'Prompt'],
        steps.map((s, i) => [
          i,
          s['name'] ?? s['id'],
          s['step_type'],
          s['engine_id'],
          s['model'],
          asRecord(s['qa'])?.['policy'] ?? 'full',
          Array.isArray(s['checks']) ? s['checks'].length : 0,
          s['prompt_ref'],
        ]),
      ),
    );
  }
  return lines.join('\n');
}

export function formatUsd(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : `$${value.toFixed(4)}`;
}

export function renderUsage(usage: ProtocolUsageOut): string {
  const lines = [`Total: ${usage.tokens} tokens, ${formatUsd(usage.cost_usd)}`];
  const breakdowns = [
    ['Phase', usage.by_phase.map((p) => [p.phase, p.tokens, p.cost_usd] as const)],
    ['Model', usage.by_model.map((m) => [m.model, m.tokens, m.cost_usd] as const)],
  ] as const;
  for (const [title, rows] of breakdowns)
    if (rows.length > 0)
      lines.push(
        '',
        renderTable(
          [title, 'Tokens', 'Cost'],
          rows.map(([key, tokens, cost]) => [key, tokens, formatUsd(cost)]),
        ),
      );
  return lines.join('\n');
}

export function renderJobs(jobs: readonly Job[]): string {
  return renderTable(
    ['ID', 'Type', 'Status', 'Queue', 'Attempts', 'Created', 'Error'],
    jobs.map((j) => [
      j.job_id,
      j.job_type,
      j.status,
      j.queue,
      `${j.attempts}/${j.max_attempts}`,
      formatTs(j.created_at),
      truncate(j.error ?? '', 50),
    ]),
  );
}

export function renderCodexRuns(runs: readonly CodexRunOut[]): string {
  return renderTable(
    ['Run ID', 'Job Type', 'Status', 'Attempts', 'Created', 'Started', 'Finished', 'Tokens'],
    runs.map((r) => [
      r.run_id,
      r.job_type,
      r.status,
      r.attempts,
      formatTs(r.created_at),
      formatTs(r.started_at),
      formatTs(r.finished_at),
      r.cost_tokens,
    ]),
  );
}
