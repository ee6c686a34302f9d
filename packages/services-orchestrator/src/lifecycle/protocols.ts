import { ConflictError, ValidationError, type JsonObject, type ProtocolRun } from '@tasksgodzilla/core';
import type { QueueJob } from '@tasksgodzilla/platform-queue';
import type { StorageTx } from '@tasksgodzilla/platform-storage';
import { PROTOCOL_SPEC_KEY } from '@tasksgodzilla/services-spec';
import { enqueueWithEvent, runJobPayload, type OrchestratorContext, type Trace } from '../orchestrator.context.js';
import { createProtocolInputSchema } from '../orchestrator.schemas.js';
import type { CallOptions, CreateProtocolInput, RunActionResult, StartProtocolOptions } from '../orchestrator.types.js';
import { finalizeRunAfterCommit } from './finalize.js';
import { assertBaseBranch, assertProtocolName } from './input-validation.js';
import { assertRunNotTerminal, getProject, getRun } from './run-state.js';
import { reconcileRun } from './reconcile.js';
import { blockingStep, completeOrAdvance, enqueueQa } from './step-flow.js';

/** template_config keys the orchestrator owns. */
export const TEMPLATE_DIR_KEY = 'template_dir';
export const ENGINE_ID_KEY = 'engine_id';
/** `user`: the spec was given by the caller and is never rebuilt; `generated`: built from the protocol files. */
export const SPEC_ORIGIN_KEY = 'spec_origin';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Creates a `pending` protocol run; the name must be usable as a git branch and a folder. */
export async function createProtocolRun(
  ctx: OrchestratorContext,
  projectId: number,
  input: CreateProtocolInput,
): Promise<ProtocolRun> {
  const name = assertProtocolName(input?.protocol_name);
  const parsed = createProtocolInputSchema(ctx.deps.engines).safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, [], { title: 'Invalid protocol' });
  const { description, template, engine_id: engineId } = parsed.data;

  const project = await getProject(ctx.deps.storage, projectId);
  const baseBranch =
    input.base_branch === undefined || input.base_branch === null
      ? project.base_branch
      : assertBaseBranch(input.base_branch);

  const templateConfig: JsonObject = { ...(input.template_config ?? {}) };
  if (template) templateConfig[TEMPLATE_DIR_KEY] = template.trim();
  if (engineId) templateConfig[ENGINE_ID_KEY] = engineId;
  if (isObject(templateConfig[PROTOCOL_SPEC_KEY])) templateConfig[SPEC_ORIGIN_KEY] = 'user';
  return ctx.deps.storage.protocolRuns.create({
    project_id: project.id,
    protocol_name: name,
    status: 'pending',
    base_branch: baseBranch,
    description: description ?? null,
    template_config: Object.keys(templateConfig).length > 0 ? templateConfig : null,
    template_source: input.template_source ?? null,
    auto_advance: input.auto_advance ?? false,
  });
}

/** The planning job of a run just moved to `planning`, with its `planning_enqueued` event, in `tx`. */
export async function enqueuePlanning(
  ctx: OrchestratorContext,
  tx: StorageTx,
  run: ProtocolRun,
  trace: Trace,
  replan: boolean,
): Promise<QueueJob> {
  return enqueueWithEvent(
    ctx,
    tx,
    { type: 'plan_protocol_job', payload: runJobPayload(run) },
    { type: 'planning_enqueued', message: 'Planning job enqueued.', run, metadata: { spec_hash: null, replan } },
    trace,
  );
}

/**
 * pending → planning with `plan_protocol_job`. A `planned`, `paused` or `blocked` run is planned
 * again only when `replan` is passed (the original re-planned silently and kept a stale spec).
 */
export async function startProtocol(
  ctx: OrchestratorContext,
  id: number,
  options: StartProtocolOptions = {},
): Promise<RunActionResult & { job: QueueJob }> {
  const trace: Trace = { requestId: options.requestId };
  return ctx.deps.storage.transaction(async (tx) => {
    const run = await reconcileRun(ctx, tx, await getRun(tx, id), trace);
    const replannable = ['planned', 'paused', 'blocked'].includes(run.status);
    if (run.status !== 'pending' && !(replannable && options.replan)) {
      if (replannable) {
        throw new ConflictError(`Protocol already ${run.status}; pass replan to plan it again`, {
          code: 'protocol_already_planned',
          details: { status: run.status },
        });
      }
      throw new ConflictError('Protocol already running or terminal', {
        code: 'protocol_status_conflict',
        details: { status: run.status },
      });
    }
    const planning = await tx.protocolRuns.transition(run.id, { from: run.status, to: 'planning' });
    const job = await enqueuePlanning(ctx, tx, planning, trace, run.status !== 'pending');
    return { run: planning, job };
  });
}

/** Any active run → paused (`paused` event); pausing a paused run changes nothing. */
export async function pauseProtocol(
  ctx: OrchestratorContext,
  id: number,
  options: CallOptions = {},
): Promise<ProtocolRun> {
  return ctx.deps.storage.transaction(async (tx) => {
    const run = await getRun(tx, id);
    if (run.status === 'paused') return run;
    assertRunNotTerminal(run);
    const paused = await tx.protocolRuns.transition(run.id, { from: run.status, to: 'paused' });
    await ctx.record(
      tx,
      { type: 'paused', message: 'Protocol paused by user.', run: paused, metadata: { previous_status: run.status } },
      { requestId: options.requestId },
    );
    return paused;
  });
}

/**
 * paused → planning when the run had no step yet; → blocked when a step is still failed or blocked
 * (retry, run or approve it); else → running (`resumed`), then the run completes when every step is
 * done, or, with auto_advance, the step waiting for QA gets its QA job or the next pending step is
 * enqueued. A blocked run that nothing blocks any more (e.g. an old row) is unblocked the same way.
 */
export async function resumeProtocol(
  ctx: OrchestratorContext,
  id: number,
  options: CallOptions = {},
): Promise<RunActionResult> {
  const trace: Trace = { requestId: options.requestId };
  return ctx.deps.storage.transaction(async (tx) => {
    const run = await reconcileRun(ctx, tx, await getRun(tx, id), trace);
    const steps = await tx.stepRuns.listByRun(run.id);
    const blocking = blockingStep(steps);
    if (run.status === 'blocked') {
      if (blocking || steps.length === 0) {
        const what = blocking
          ? `step ${blocking.step_name} is ${blocking.status}: retry it, run it or approve it`
          : 'it has no steps: start it with replan';
        throw new ConflictError(`Protocol is blocked; ${what}`, {
          code: 'protocol_blocked',
          details: { status: run.status, step_run_id: blocking?.id ?? null },
        });
      }
      return completeOrAdvance(ctx, tx, run.id, trace);
    }
    if (run.status !== 'paused')
      throw new ConflictError('Protocol is not paused', {
        code: 'protocol_not_paused',
        details: { status: run.status },
      });
    if (steps.length === 0) {
      const planning = await tx.protocolRuns.transition(run.id, { from: 'paused', to: 'planning' });
      await ctx.record(
        tx,
        { type: 'resumed', message: 'Protocol resumed by user.', run: planning, metadata: { replan: true } },
        trace,
      );
      return { run: planning, job: await enqueuePlanning(ctx, tx, planning, trace, true) };
    }
    if (blocking) {
      const blocked = await tx.protocolRuns.transition(run.id, { from: 'paused', to: 'blocked' });
      await ctx.record(
        tx,
        {
          type: 'resumed',
          message: `Protocol resumed by user; still blocked by ${blocking.step_name} (${blocking.status}).`,
          run: blocked,
          metadata: { blocked_by: blocking.id },
        },
        trace,
      );
      return { run: blocked, job: null };
    }
    const resumed = await tx.protocolRuns.transition(run.id, { from: 'paused', to: 'running' });
    await ctx.record(tx, { type: 'resumed', message: 'Protocol resumed by user.', run: resumed }, trace);
    const waiting = steps.find((s) => s.status === 'needs_qa');
    if (waiting && resumed.auto_advance) {
      const queued =
        (
          await tx.jobRuns.list(
            { step_run_id: waiting.id, job_type: 'run_quality_job', status: 'queued' },
            { limit: 1 },
          )
        ).items.length > 0;
      if (queued) return { run: resumed, job: null };
      return { run: resumed, job: (await enqueueQa(ctx, tx, resumed, waiting, { source: 'resume', trace })).job };
    }
    return completeOrAdvance(ctx, tx, resumed.id, trace);
  });
}

/**
 * → cancelled (a cancelled run is returned unchanged). Pending, running, needs_qa and needs_input steps are
 * cancelled with it; after commit its queued and running jobs are cancelled (a running engine's
 * process group is killed) and the worktree removed when configured.
 */
export async function cancelProtocol(
  ctx: OrchestratorContext,
  id: number,
  options: CallOptions = {},
): Promise<ProtocolRun> {
  const jobIds: string[] = [];
  const cancelled = await ctx.deps.storage.transaction(async (tx) => {
    const run = await getRun(tx, id);
    if (run.status === 'cancelled') return run;
    assertRunNotTerminal(run);
    const updated = await tx.protocolRuns.transition(run.id, { from: run.status, to: 'cancelled' });
    for (const step of await tx.stepRuns.listByRun(run.id)) {
      if (['pending', 'running', 'needs_qa', 'needs_input'].includes(step.status)) {
        await tx.stepRuns.transition(
          step.id,
          { from: step.status, to: 'cancelled' },
          { summary: 'Cancelled with protocol' },
        );
      }
    }
    for (const status of ['queued', 'running'] as const) {
      let cursor: string | null = null;
      do {
        const page = await tx.jobRuns.list({ protocol_run_id: run.id, status }, { limit: 500, cursor });
        jobIds.push(...page.items.map((job) => job.run_id));
        cursor = page.next_cursor;
      } while (cursor);
    }
    await ctx.record(
      tx,
      {
        type: 'cancelled',
        message: 'Protocol cancelled by user.',
        run: updated,
        metadata: { previous_status: run.status, jobs_cancelled: jobIds },
      },
      { requestId: options.requestId },
    );
    // Jobs first (the queue needs the connection the transaction holds on SQLite), then the worktree.
    tx.afterCommit(async () => {
      for (const jobId of jobIds) {
        try {
          await ctx.deps.queue.cancel(jobId, 'protocol cancelled');
        } catch (error) {
          ctx.logger.warn(
            { err: error, job_id: jobId, protocol_run_id: run.id },
            'cancelling a job of a cancelled protocol failed',
          );
        }
      }
    });
    finalizeRunAfterCommit(ctx, tx, await tx.projects.get(run.project_id), updated, { push: false });
    return updated;
  });
  return cancelled;
}
