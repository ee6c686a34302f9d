import type { EngineEvent, EngineUsage } from './engine.types.js';

type UsageEvent = Extract<EngineEvent, { type: 'usage' }>;

/** A usage record whose every field is `value(field)`. */
function usageOf(value: (field: keyof EngineUsage) => number): EngineUsage {
  return {
    input_tokens: value('input_tokens'),
    cached_input_tokens: value('cached_input_tokens'),
    output_tokens: value('output_tokens'),
    reasoning_tokens: value('reasoning_tokens'),
    total_tokens: value('total_tokens'),
  };
}

export function emptyUsage(): EngineUsage {
  return usageOf(() => 0);
}

/** Field-by-field sum of two usage records. */
export function addUsage(a: EngineUsage, b: EngineUsage): EngineUsage {
  return usageOf((field) => a[field] + b[field]);
}

/** The usage fields of a usage event. */
function pick(event: UsageEvent): EngineUsage {
  return usageOf((field) => event[field]);
}

export interface UsageTracker {
  apply(event: UsageEvent): void;
  /** Null until the engine reported any usage. */
  usage(): EngineUsage | null;
  /** Null until the engine reported any cost. */
  costUsd(): number | null;
}

/**
 * Folds usage events into run totals: a cumulative event replaces everything seen so far (it is a
 * running total), a non-cumulative one is added.
 */
export function createUsageTracker(): UsageTracker {
  let usage: EngineUsage | null = null;
  let cost: number | null = null;
  return {
    apply(event) {
      if (event.cumulative) {
        usage = pick(event);
        if (event.cost_usd !== null) cost = event.cost_usd;
      } else {
        usage = addUsage(usage ?? emptyUsage(), pick(event));
        if (event.cost_usd !== null) cost = (cost ?? 0) + event.cost_usd;
      }
    },
    usage: () => (usage ? { ...usage } : null),
    costUsd: () => (cost === null ? null : Math.round(cost * 1e8) / 1e8),
  };
}

/** Builds a usage event, computing the total when the engine does not give one. */
export function usageEvent(
  usage: Partial<EngineUsage>,
  options: { cumulative: boolean; costUsd: number | null },
): UsageEvent {
  const input = usage.input_tokens ?? 0;
  const output = usage.output_tokens ?? 0;
  return {
    type: 'usage',
    cumulative: options.cumulative,
    cost_usd: options.costUsd,
    input_tokens: input,
    cached_input_tokens: usage.cached_input_tokens ?? 0,
    output_tokens: output,
    reasoning_tokens: usage.reasoning_tokens ?? 0,
    total_tokens: usage.total_tokens ?? input + output,
  };
}
