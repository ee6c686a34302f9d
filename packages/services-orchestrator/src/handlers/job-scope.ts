import { join } from 'node:path';
import type { JsonValue, ProtocolRun, StepRun } from '@tasksgodzilla/core';
import type { ActiveJob, HandlerResult, JobContext } from '@tasksgodzilla/platform-queue';
import { withLogContext } from '@tasksgodzilla/platform-telemetry';
import type { OrchestratorContext, Trace } from '../orchestrator.context.js';

/** Any orchestrator job: every payload may carry the api request id. */
type AnyJob = ActiveJob<{ readonly request_id?: string }>;

/** Where a job's engine output and notes go: `<runsDir>/<job_id>/logs.txt`. */
export function jobLogPath(ctx: OrchestratorContext, job: Pick<AnyJob, 'run_id'>): string {
  return join(ctx.config.runsDir, job.run_id, 'logs.txt');
}

export function jobTrace(job: AnyJob): Trace {
  const requestId = job.payload.request_id;
  return { requestId: requestId ?? null, jobId: job.run_id };
}

/** Runs a handler body with the job's ids on every log line and event. */
export function inJobScope<T>(
  job: AnyJob,
  ids: { project_id?: number | null; protocol_run_id?: number | null; step_run_id?: number | null },
  fn: () => Promise<T>,
): Promise<T> {
  const requestId = job.payload.request_id;
  return withLogContext(
    {
      request_id: requestId,
      job_id: job.run_id,
      run_id: job.run_id,
      project_id: ids.project_id ?? undefined,
      protocol_run_id: ids.protocol_run_id ?? undefined,
      step_run_id: ids.step_run_id ?? undefined,
    },
    fn,
  );
}

/** Runs a handler body in the job's scope with the protocol run it names; skipped when the run is gone. */
export async function inRunJobScope(
  ctx: OrchestratorContext,
  job: AnyJob,
  runId: number,
  fn: (run: ProtocolRun) => Promise<HandlerResult>,
): Promise<HandlerResult> {
  const run = await ctx.deps.storage.protocolRuns.find(runId);
  if (!run) return skipped('protocol run not found');
  return inJobScope(job, { project_id: run.project_id, protocol_run_id: run.id }, () => fn(run));
}

/** Runs a handler body in the job's scope with the step it names and its run; skipped when the step is gone. */
export async function inStepJobScope(
  ctx: OrchestratorContext,
  job: AnyJob,
  stepId: number,
  fn: (step: StepRun, run: ProtocolRun) => Promise<HandlerResult>,
): Promise<HandlerResult> {
  const { storage } = ctx.deps;
  const step = await storage.stepRuns.find(stepId);
  if (!step) return skipped('step not found');
  const run = await storage.protocolRuns.get(step.protocol_run_id);
  return inJobScope(job, { project_id: run.project_id, protocol_run_id: run.id, step_run_id: step.id }, () =>
    fn(step, run),
  );
}

/** A handler result for a job that found nothing to do (its subject moved on, or it already ran). */
export function skipped(reason: string, extra: Record<string, JsonValue> = {}): HandlerResult {
  return { result: { skipped: true, reason, ...extra } };
}

/**
 * Re-throws when the runner should take over: the job was aborted, or the runner will retry the
 * error (its own rule, `jobCtx.willRetry`). Otherwise the handler records the failure on its subject.
 */
export function rethrowIfRunnerOwns(jobCtx: JobContext, error: unknown): void {
  if (jobCtx.signal.aborted) throw jobCtx.signal.reason ?? error;
  if (jobCtx.willRetry(error)) throw error;
}
