import type { Event, EventType, JobRun, JsonObject } from '@tasksgodzilla/core';
import type { EngineUsage } from '@tasksgodzilla/platform-engines';
import type { OrchestratorContext } from '../orchestrator.context.js';
import type { ProtocolUsage, UsageLine } from '../orchestrator.types.js';
import { getRun } from './run-state.js';

/** Event types whose metadata carries a `usage` object (see usageMetadata). */
export const USAGE_EVENT_TYPES = [
  'planned',
  'planning_failed',
  'decompose_completed',
  'step_completed',
  'step_execution_failed',
  'qa_passed',
  'qa_failed',
  'qa_error',
  'qa_passed_inline',
  'qa_failed_inline',
  'qa_inline_error',
] as const satisfies readonly EventType[];

const PHASE_OF_JOB: Record<string, string> = {
  plan_protocol_job: 'planning',
  execute_step_job: 'exec',
  run_quality_job: 'qa',
  project_setup_job: 'setup',
  project_discovery_job: 'discovery',
  open_pr_job: 'open_pr',
  codemachine_import_job: 'import',
  spec_audit_job: 'audit',
};

/** `{phase, engine_id, model, tokens, cost_usd}`, the `usage` key of events that report engine usage. */
export function usageMetadata(
  phase: string,
  engineId: string | null,
  model: string | null,
  usage: EngineUsage | null,
  costUsd: number | null,
): JsonObject {
  return { phase, engine_id: engineId, model, tokens: usage?.total_tokens ?? 0, cost_usd: costUsd ?? 0 };
}

/** Ledger units (tokens, cents) for a JobContext.addUsage call. */
export function ledgerUsage(
  usage: EngineUsage | null,
  costUsd: number | null,
): { tokens?: number; cost_cents?: number } {
  return {
    ...(usage ? { tokens: usage.total_tokens } : {}),
    ...(costUsd !== null && costUsd !== undefined ? { cost_cents: costUsd * 100 } : {}),
  };
}

function add(line: UsageLine, tokens: number, costUsd: number): void {
  line.tokens += tokens;
  line.cost_usd = Math.round((line.cost_usd + costUsd) * 1e6) / 1e6;
}

async function allJobs(ctx: OrchestratorContext, protocolRunId: number): Promise<JobRun[]> {
  const jobs: JobRun[] = [];
  let cursor: string | null = null;
  do {
    const page = await ctx.deps.storage.jobRuns.list({ protocol_run_id: protocolRunId }, { limit: 500, cursor });
    jobs.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return jobs;
}

async function usageEvents(ctx: OrchestratorContext, protocolRunId: number): Promise<Event[]> {
  const events: Event[] = [];
  let cursor: string | null = null;
  do {
    const page = await ctx.deps.storage.events.list(
      { protocol_run_id: protocolRunId, event_types: [...USAGE_EVENT_TYPES] },
      { limit: 500, cursor },
    );
    events.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return events;
}

/** Tokens and cost of a protocol run: totals and per phase and step from the job ledger, per model from the events. */
export async function protocolUsage(ctx: OrchestratorContext, protocolRunId: number): Promise<ProtocolUsage> {
  const run = await getRun(ctx.deps.storage, protocolRunId);
  const totalsRow = await ctx.deps.storage.jobRuns.usageTotals({ protocol_run_id: run.id });
  const steps = new Map((await ctx.deps.storage.stepRuns.listByRun(run.id)).map((s) => [s.id, s.step_name]));

  const byPhase = new Map<string, UsageLine & { phase: string; jobs: number }>();
  const byStep = new Map<number, UsageLine & { step_run_id: number; step_name: string }>();
  for (const job of await allJobs(ctx, run.id)) {
    const tokens = job.cost_tokens ?? 0;
    const cost = (job.cost_cents ?? 0) / 100;
    const phase = PHASE_OF_JOB[job.job_type] ?? job.job_type;
    const line = byPhase.get(phase) ?? { phase, jobs: 0, tokens: 0, cost_usd: 0 };
    line.jobs += 1;
    add(line, tokens, cost);
    byPhase.set(phase, line);
    if (job.step_run_id !== null) {
      const stepLine = byStep.get(job.step_run_id) ?? {
        step_run_id: job.step_run_id,
        step_name: steps.get(job.step_run_id) ?? String(job.step_run_id),
        tokens: 0,
        cost_usd: 0,
      };
      add(stepLine, tokens, cost);
      byStep.set(job.step_run_id, stepLine);
    }
  }

  const byModel = new Map<string, UsageLine & { phase: string; model: string | null; engine_id: string | null }>();
  for (const event of await usageEvents(ctx, run.id)) {
    const usage = event.metadata?.usage;
    if (!usage || typeof usage !== 'object' || Array.isArray(usage)) continue;
    const phase = typeof usage.phase === 'string' ? usage.phase : 'unknown';
    const model = typeof usage.model === 'string' ? usage.model : null;
    const engineId = typeof usage.engine_id === 'string' ? usage.engine_id : null;
    const key = JSON.stringify([phase, model, engineId]);
    const line = byModel.get(key) ?? { phase, model, engine_id: engineId, tokens: 0, cost_usd: 0 };
    add(line, Number(usage.tokens ?? 0) || 0, Number(usage.cost_usd ?? 0) || 0);
    byModel.set(key, line);
  }

  return {
    protocol_run_id: run.id,
    totals: { tokens: totalsRow.tokens, cost_usd: Math.round((totalsRow.cost_cents / 100) * 1e6) / 1e6 },
    by_phase: [...byPhase.values()],
    by_model: [...byModel.values()],
    by_step: [...byStep.values()].sort((a, b) => a.step_run_id - b.step_run_id),
  };
}
