import { isLoopEvent, isTriggerEvent, qaVerdict, type EventOut } from '@tasksgodzilla/client';
import type { JsonObject, JsonValue } from './types.js';

export type EventKindFilter = 'all' | 'loop' | 'trigger';

function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function text(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export interface EventSpec {
  hash: string | undefined;
  status: string | undefined;
}

/** The spec hash and status an event carries (`metadata.spec_hash`, or inside `metadata.outputs`). */
export function eventSpec(event: Pick<EventOut, 'metadata'>): EventSpec {
  const metadata = event.metadata ?? {};
  const outputs = asObject(metadata['outputs']);
  return {
    hash: text(metadata['spec_hash']) ?? text(outputs?.['spec_hash']),
    status: text(metadata['spec_status']) ?? text(metadata['specStatus']),
  };
}

/** Run events pane: kind filter and spec-hash filter (the latter under every kind filter). */
export function filterRunEvents(events: readonly EventOut[], kind: EventKindFilter, specQuery: string): EventOut[] {
  const query = specQuery.trim().toLowerCase();
  return events.filter((event) => {
    if (kind === 'loop' && !isLoopEvent(event)) return false;
    if (kind === 'trigger' && !isTriggerEvent(event)) return false;
    if (query && !(eventSpec(event).hash ?? '').toLowerCase().includes(query)) return false;
    return true;
  });
}

/** Recent activity: "invalid specs only" keeps events whose spec status is invalid, nothing else. */
export function filterActivity(events: readonly EventOut[], invalidOnly: boolean, specQuery: string): EventOut[] {
  const query = specQuery.trim().toLowerCase();
  return events.filter((event) => {
    const spec = eventSpec(event);
    if (invalidOnly && spec.status !== 'invalid') return false;
    if (query && !(spec.hash ?? '').toLowerCase().includes(query)) return false;
    return true;
  });
}

/** "k:v (prompt versions) · model:<m>" line of an event, or '' (the spec hash has a pill of its own). */
export function eventContextLine(event: Pick<EventOut, 'metadata'>): string {
  const metadata = event.metadata ?? {};
  const parts: string[] = [];
  const versions = asObject(metadata['prompt_versions']);
  if (versions) for (const [key, value] of Object.entries(versions)) parts.push(`${key}:${text(value) ?? '-'}`);
  const model = text(metadata['model']) ?? text(asObject(metadata['usage'])?.['model']);
  if (model) parts.push(`model:${model}`);
  return parts.join(' · ');
}

/** Policy details of loop and trigger events: target, iterations, resets, reason, module. */
export function policySnippet(event: Pick<EventOut, 'event_type' | 'metadata'>): string {
  const metadata = event.metadata ?? {};
  const parts: string[] = [];
  const target = text(metadata['target_step_index']) ?? text(metadata['target']);
  if (isLoopEvent(event)) {
    if (target !== undefined) parts.push(`target:${target}`);
    const iterations = text(metadata['iterations']);
    if (iterations !== undefined) parts.push(`iter:${iterations}/${text(metadata['max_iterations']) ?? '?'}`);
    const reset = metadata['steps_reset'];
    if (Array.isArray(reset)) parts.push(`reset:${reset.length}`);
    else if (reset !== undefined && reset !== null) parts.push(`reset:${text(reset)}`);
  } else if (isTriggerEvent(event)) {
    if (target !== undefined) parts.push(`target:${target}`);
    const id = text(metadata['target_step_id']);
    if (id !== undefined) parts.push(`id:${id}`);
    const source = text(metadata['source']);
    if (source !== undefined) parts.push(`source:${source}`);
  } else {
    return '';
  }
  const reason = text(metadata['reason']);
  if (reason !== undefined) parts.push(`reason:${reason}`);
  const moduleId = text(asObject(metadata['policy'])?.['module_id']);
  if (moduleId !== undefined) parts.push(`policy:${moduleId}`);
  return parts.join(' ');
}

export interface QaCounts {
  pass: number;
  fail: number;
  error: number;
  total: number;
  /** 0..1, or null with no verdicts. */
  passRate: number | null;
}

/** QA verdict counts of a list of events. */
export function qaCounts(events: readonly Pick<EventOut, 'event_type'>[]): QaCounts {
  let pass = 0;
  let fail = 0;
  let error = 0;
  for (const event of events) {
    const verdict = qaVerdict(event);
    if (verdict === 'pass') pass++;
    else if (verdict === 'fail') fail++;
    else if (verdict === 'error') error++;
  }
  const total = pass + fail + error;
  return { pass, fail, error, total, passRate: total > 0 ? pass / total : null };
}

/** Events that change what a run's cost is. */
export function carriesUsage(event: Pick<EventOut, 'metadata'>): boolean {
  return asObject(event.metadata?.['usage']) !== undefined;
}
