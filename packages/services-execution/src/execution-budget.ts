import type { BudgetMode } from '@tasksgodzilla/core';
import type { UsageTotals } from './execution.types.js';

export interface BudgetLimits {
  mode: BudgetMode;
  maxTokensPerStep?: number | undefined;
  maxTokensPerProtocol?: number | undefined;
  maxCostUsdPerStep?: number | undefined;
  maxCostUsdPerProtocol?: number | undefined;
}

export interface BudgetCheckInput {
  /** Pre-flight estimate of the prompt about to be sent. */
  estimatedTokens: number;
  spent: { protocol: UsageTotals; step: UsageTotals };
  limits: BudgetLimits;
  /** Named in messages, e.g. `exec:01-build.md`. */
  context: string;
}

export interface BudgetCheck {
  /** False when a limit is passed (whatever the mode); always true with mode `off`. */
  ok: boolean;
  mode: BudgetMode;
  /** All violations in one sentence each, joined; null when ok. */
  message: string | null;
  violations: string[];
  /**
   * What is left before this run (limit − spent, smallest of step and protocol), null when no
   * limit of that kind is set or the mode is `off`. Passed to the engine as live caps.
   */
  remaining: { tokens: number | null; cost_usd: number | null };
}

function minOf(values: (number | null)[]): number | null {
  const set = values.filter((value): value is number => value !== null);
  return set.length === 0 ? null : Math.min(...set);
}

function roundUsd(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * Pre-flight budget check, cumulative: the prompt estimate is added to the tokens already spent on
 * the step and on the protocol, each compared with its own limit (the original checked one prompt
 * against one limit). USD limits cannot be estimated before a run, so they fail only once the
 * spent amount has reached them; the remainder becomes the engine's live cap.
 */
export function checkBudget(input: BudgetCheckInput): BudgetCheck {
  const { estimatedTokens: estimate, spent, limits, context } = input;
  if (limits.mode === 'off') {
    return { ok: true, mode: 'off', message: null, violations: [], remaining: { tokens: null, cost_usd: null } };
  }
  const violations: string[] = [];
  const tokenLimit = (scope: 'step' | 'protocol', limit: number | undefined): number | null => {
    if (limit === undefined) return null;
    const already = spent[scope].tokens;
    if (already + estimate > limit) {
      const plus = already > 0 ? ` plus ${already} already spent on this ${scope}` : '';
      violations.push(
        `Estimated prompt tokens (${estimate})${plus} exceed the configured per-${scope} limit (${limit}) for ${context}. Reduce context or raise the budget.`,
      );
    }
    return limit - already;
  };
  const costLimit = (scope: 'step' | 'protocol', limit: number | undefined): number | null => {
    if (limit === undefined) return null;
    const already = spent[scope].cost_usd;
    if (already >= limit) {
      violations.push(
        `USD already spent on this ${scope} (${roundUsd(already)}) has reached the configured per-${scope} budget (${limit}) for ${context}. Raise the budget.`,
      );
    }
    return roundUsd(limit - already);
  };
  const tokens = minOf([
    tokenLimit('step', limits.maxTokensPerStep),
    tokenLimit('protocol', limits.maxTokensPerProtocol),
  ]);
  const cost = minOf([
    costLimit('step', limits.maxCostUsdPerStep),
    costLimit('protocol', limits.maxCostUsdPerProtocol),
  ]);
  return {
    ok: violations.length === 0,
    mode: limits.mode,
    message: violations.length === 0 ? null : violations.join(' '),
    violations,
    remaining: { tokens, cost_usd: cost },
  };
}
