import { BudgetExceededError, type JsonObject, type StepRun } from '@tasksgodzilla/core';
import { checkBudget, type BudgetCheck, type UsageTotals } from '@tasksgodzilla/services-execution';
import { estimateTokens } from '@tasksgodzilla/platform-telemetry';
import type { OrchestratorContext, Trace } from '../orchestrator.context.js';
import { failStepIfStill } from './step-events.js';
import { blockRun } from './step-flow.js';

// Every engine call the orchestrator starts counts against the budgets: execution checks its own
// prompt (services-execution); planning, decomposition and QA are checked here before they run,
// cumulatively, against what the job ledger says the protocol (and the step) has spent already.

export type BudgetPhase = 'planning' | 'decompose' | 'qa';

const ZERO: UsageTotals = { tokens: 0, cost_usd: 0 };

/** Tokens and USD spent so far on the run and on one step, from the job ledger (plus `extra` not recorded there yet). */
export async function spentSoFar(
  ctx: OrchestratorContext,
  runId: number,
  stepId: number | null,
  extra: UsageTotals = ZERO,
): Promise<{ protocol: UsageTotals; step: UsageTotals }> {
  const { jobRuns } = ctx.deps.storage;
  const protocol = await jobRuns.usageTotals({ protocol_run_id: runId });
  const step = stepId ? await jobRuns.usageTotals({ step_run_id: stepId }) : null;
  return {
    protocol: { tokens: protocol.tokens + extra.tokens, cost_usd: protocol.cost_cents / 100 + extra.cost_usd },
    step: step ? { tokens: step.tokens + extra.tokens, cost_usd: step.cost_cents / 100 + extra.cost_usd } : ZERO,
  };
}

/**
 * The budget check of an engine call about to start: `prompt` (when known) is estimated and added to
 * what was spent. Protocol-level calls (planning, decomposition) have no step limits.
 */
export async function checkPhaseBudget(
  ctx: OrchestratorContext,
  input: {
    phase: BudgetPhase;
    runId: number;
    step?: StepRun | null;
    prompt?: string | null;
    context: string;
    extra?: UsageTotals;
  },
): Promise<BudgetCheck> {
  const { config } = ctx;
  const step = input.step ?? null;
  const limits = {
    mode: config.tokenBudgetMode,
    maxTokensPerProtocol: config.maxTokensPerProtocol,
    maxCostUsdPerProtocol: config.maxCostUsdPerProtocol,
    ...(step ? { maxTokensPerStep: config.maxTokensPerStep, maxCostUsdPerStep: config.maxCostUsdPerStep } : {}),
  };
  // checkBudget compares the spent amounts only with a limit, and never in mode `off`: without one, the
  // ledger is not read (two statements per QA run).
  const spent =
    limits.mode !== 'off' && anyLimit(limits)
      ? await spentSoFar(ctx, input.runId, step?.id ?? null, input.extra)
      : { protocol: ZERO, step: ZERO };
  return checkBudget({
    estimatedTokens: input.prompt ? estimateTokens(input.prompt) : 0,
    spent,
    context: `${input.phase}:${input.context}`,
    limits,
  });
}

/** Whether any token or USD limit is set (a step's or the protocol's). */
export function anyLimit(limits: {
  maxTokensPerStep?: number | undefined;
  maxCostUsdPerStep?: number | undefined;
  maxTokensPerProtocol?: number | undefined;
  maxCostUsdPerProtocol?: number | undefined;
}): boolean {
  return (
    limits.maxTokensPerStep !== undefined ||
    limits.maxCostUsdPerStep !== undefined ||
    limits.maxTokensPerProtocol !== undefined ||
    limits.maxCostUsdPerProtocol !== undefined
  );
}

/** A strict budget that is passed: the error the caller records (`budget_exceeded`). Warn mode logs and goes on. */
export function budgetError(
  ctx: OrchestratorContext,
  check: BudgetCheck,
  details: Record<string, string | number | null>,
): BudgetExceededError | null {
  if (check.ok) return null;
  if (check.mode !== 'strict') {
    ctx.logger.warn({ ...details, budget_mode: check.mode }, check.message ?? 'budget exceeded');
    return null;
  }
  return new BudgetExceededError(check.message ?? 'Budget exceeded', {
    details: { ...details, violations: check.violations },
  });
}

/** A step whose QA would pass its budget: failed + run blocked (`budget_exceeded`), as an execution over budget is. */
export async function recordQaOverBudget(
  ctx: OrchestratorContext,
  stepId: number,
  error: BudgetExceededError,
  trace: Trace,
): Promise<string> {
  return failStepIfStill(
    ctx,
    stepId,
    {
      expected: 'needs_qa',
      summary: `Budget exceeded: ${error.message}`,
      event: () => ({
        type: 'budget_exceeded',
        message: error.message,
        metadata: { phase: 'qa', error: error.message, details: (error.details ?? {}) as JsonObject },
      }),
    },
    trace,
    (tx, run) => blockRun(tx, run),
  );
}
