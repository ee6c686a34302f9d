import type { JsonValue } from './types.js';

/** Local date and time of an ISO timestamp; the raw text when it does not parse; `-` when empty. */
export function formatTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '-';
  const date = typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

export function shortHash(hash: string | null | undefined, length = 8): string {
  return hash ? hash.slice(0, length) : '';
}

/** "<hash> · <status>", or "spec: n/a" without a hash (run list badge). */
export function specBadge(hash: string | null | undefined, status: string | null | undefined): string {
  if (!hash) return 'spec: n/a';
  return `${shortHash(hash)} · ${status ?? 'unknown'}`;
}

export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  if (value === 0) return '$0.00';
  if (Math.abs(value) < 0.01) return `$${value.toFixed(4)}`;
  return `$${value.toFixed(2)}`;
}

export function formatTokens(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  return Math.round(value).toLocaleString('en-US');
}

/** Indented JSON, cut after `max` characters. */
export function formatJson(value: unknown, max = 4000): string {
  if (value === null || value === undefined) return '';
  const text = JSON.stringify(value, null, 2) ?? '';
  return text.length > max ? `${text.slice(0, max)}\n... (truncated)` : text;
}

function joinValue(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => joinValue(item)).join(' / ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function policyPart(policy: { [key: string]: JsonValue }): string {
  const parts: string[] = [];
  const behavior = joinValue(policy['behavior']);
  const action = joinValue(policy['action']);
  const trigger = joinValue(policy['trigger_agent_id']);
  const max = policy['max_iterations'];
  if (behavior) parts.push(behavior);
  if (action) parts.push(action);
  if (trigger) parts.push(`→${trigger}`);
  if (max !== undefined && max !== null) parts.push(`max:${joinValue(max)}`);
  return parts.join(' ');
}

/** Steps table "Policy": `behavior action →trigger_agent_id max:N`, several policies joined by " / ". */
export function policyLabel(policy: JsonValue | null | undefined): string {
  if (policy === null || policy === undefined) return '-';
  const list = Array.isArray(policy) ? policy : [policy];
  const labels = list
    .map((item) => (item && typeof item === 'object' && !Array.isArray(item) ? policyPart(item) : joinValue(item)))
    .filter((label) => label !== '');
  return labels.length > 0 ? labels.join(' / ') : '-';
}

/** Steps table "State": `loops(k:v,…) triggered_by:X target:N` from the step's runtime_state. */
export function runtimeStateLabel(state: { [key: string]: JsonValue } | null | undefined): string {
  if (!state) return '-';
  const parts: string[] = [];
  const loops = state['loop_counts'] ?? state['loopCounts'];
  if (loops && typeof loops === 'object' && !Array.isArray(loops)) {
    const entries = Object.entries(loops).map(([key, value]) => `${key}:${joinValue(value)}`);
    if (entries.length > 0) parts.push(`loops(${entries.join(',')})`);
  }
  const triggeredBy = state['last_triggered_by'];
  if (triggeredBy !== undefined && triggeredBy !== null) parts.push(`triggered_by:${joinValue(triggeredBy)}`);
  const target = state['last_target_step_index'];
  if (target !== undefined && target !== null) parts.push(`target:${joinValue(target)}`);
  return parts.length > 0 ? parts.join(' ') : '-';
}

/** Error text of anything thrown (ApiError messages read like `409 Conflict: …`). */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
