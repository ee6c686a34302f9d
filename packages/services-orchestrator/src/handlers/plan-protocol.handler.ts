import {
  errorMessage,
  isAppError,
  ValidationError,
  type EventType,
  type JsonObject,
  type JsonValue,
  type Project,
  type ProtocolRun,
} from '@tasksgodzilla/core';
import {
  PROTOCOL_PLAN_SCHEMA,
  projectEngineIsolation,
  resolveEngineAndModel,
  SHELL_ENGINE_ID,
  type EngineResult,
} from '@tasksgodzilla/platform-engines';
import type { HandlerResult, JobContext } from '@tasksgodzilla/platform-queue';
import type { OrchestratorJob, OrchestratorJobHandler } from '../job-types.js';
import { rawSpecOf, specFromTemplateConfig, type PreparedSpec } from '@tasksgodzilla/services-spec';
import type { OrchestratorContext, Trace } from '../orchestrator.context.js';
import { budgetError, checkPhaseBudget } from '../lifecycle/budget.js';
import { ENGINE_ID_KEY, SPEC_ORIGIN_KEY, TEMPLATE_DIR_KEY } from '../lifecycle/protocols.js';
import { nextPendingStep } from '../policies.js';
import { enqueueExecution } from '../lifecycle/step-flow.js';
import { ledgerUsage, usageMetadata } from '../lifecycle/usage.js';
import { ensureRunWorkspace, type RunWorkspace } from '../lifecycle/workspace.js';
import { inRunJobScope, jobLogPath, jobTrace, rethrowIfRunnerOwns, skipped } from './job-scope.js';
import { enqueueAutoPr } from '../lifecycle/auto-pr.js';

/** A planning failure the run cannot recover from by itself: recorded, and the run blocked. */
class PlanningFailure extends Error {
  constructor(
    readonly eventType: EventType,
    message: string,
    readonly metadata: JsonObject,
  ) {
    super(message);
  }
}

interface PlanOutcome {
  workspace: RunWorkspace;
  prepared: PreparedSpec;
  userSpec: boolean;
  models: { planning: string | null; decompose: string | null };
  promptVersions: { planning: string | null };
  engineId: string;
  usage: JsonObject;
  decomposed: boolean;
}

/** Strict budget passed before a planning or decomposition call → `budget_exceeded`, run blocked; warn mode logs. */
async function assertWithinBudget(
  ctx: OrchestratorContext,
  input: Parameters<typeof checkPhaseBudget>[1],
): Promise<void> {
  const over = budgetError(ctx, await checkPhaseBudget(ctx, input), {
    protocol_run_id: input.runId,
    phase: input.phase,
  });
  if (over)
    throw new PlanningFailure('budget_exceeded', over.message, {
      phase: input.phase,
      error: over.message,
      violations: (over.details?.violations ?? []) as JsonValue,
    });
}

function stringOf(value: JsonValue | undefined): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** The planning answer, with the known secret values redacted (it becomes the protocol's files). */
function planningOutput(result: EngineResult, redact: (text: string) => string): unknown {
  if (result.structured_output !== null && result.structured_output !== undefined)
    return JSON.parse(redact(JSON.stringify(result.structured_output))) as unknown;
  const text = redact((result.final_message ?? '').trim());
  if (!text)
    throw new PlanningFailure('planning_failed', 'Invalid planning output: the engine returned nothing', {
      error: 'empty output',
    });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PlanningFailure('planning_failed', `Invalid planning output: ${errorMessage(error)}`, {
      error: errorMessage(error),
      stdout: text.slice(0, 2000),
    });
  }
}

async function workspaceOrFail(ctx: OrchestratorContext, project: Project, run: ProtocolRun): Promise<RunWorkspace> {
  try {
    return await ensureRunWorkspace(ctx, project, run);
  } catch (error) {
    if (isAppError(error) && !error.retryable) {
      const missing = error.code === 'repo_not_present';
      throw new PlanningFailure(
        missing ? 'repo_missing' : 'repo_clone_failed',
        `${missing ? 'Repository not present locally' : 'Repository unavailable'}: ${error.message}`,
        {
          git_url: project.git_url,
          error: error.message,
        },
      );
    }
    throw error;
  }
}

async function plan(
  ctx: OrchestratorContext,
  job: OrchestratorJob<'plan_protocol_job'>,
  jobCtx: JobContext,
  project: Project,
  run: ProtocolRun,
  logPath: string,
): Promise<PlanOutcome> {
  const { engines, spec, prompts, decomposition, git, telemetry } = ctx.deps;
  const trace = jobTrace(job);
  const config = run.template_config ?? {};
  const workspace = await workspaceOrFail(ctx, project, run);
  const roots = { protocolRoot: workspace.protocolRoot, workspaceRoot: workspace.worktreePath };
  const templateDir = stringOf(config[TEMPLATE_DIR_KEY]);
  const stepEngine = stringOf(config[ENGINE_ID_KEY]) ?? ctx.config.defaultEngine;
  const existing = (await ctx.deps.storage.stepRuns.listByRun(run.id)).map((s) => s.step_name);
  // Planning gets the same environment and redaction as step execution (the project's opt-in).
  const isolation = projectEngineIsolation(project.secrets, ctx.deps.redactValues);
  const common = {
    signal: jobCtx.signal,
    logPath,
    workingDir: workspace.worktreePath,
    env: isolation.env,
    passEnv: isolation.passEnv,
    redact: isolation.redact,
  };

  let result: EngineResult;
  let models: PlanOutcome['models'] = { planning: null, decompose: null };
  let promptVersion: string | null = null;
  let planningEngine = SHELL_ENGINE_ID;
  if (templateDir) {
    result = await engines.get(SHELL_ENGINE_ID).plan({ ...common, prompt: '', templateDir });
  } else {
    const resolution = resolveEngineAndModel({
      phase: 'planning',
      project: { default_models: project.default_models, default_engine_id: stringOf(config[ENGINE_ID_KEY]) },
      config: ctx.config,
      registry: engines,
    });
    planningEngine = resolution.engine_id;
    if (planningEngine === SHELL_ENGINE_ID) {
      throw new PlanningFailure(
        'planning_failed',
        'The shell engine plans only from a protocol template folder: create the protocol with `template`',
        { engine_id: planningEngine },
      );
    }
    const prompt = await prompts.buildPlanningPrompt({
      protocolName: run.protocol_name,
      description: run.description,
      projectName: project.name,
      projectRoot: workspace.repoPath,
      worktreeRoot: workspace.worktreePath,
    });
    promptVersion = prompt.version;
    models = { ...models, planning: resolution.model };
    await assertWithinBudget(ctx, {
      phase: 'planning',
      runId: run.id,
      prompt: prompt.text,
      context: run.protocol_name,
    });
    result = await engines.get(planningEngine).plan({
      ...common,
      prompt: prompt.text,
      model: resolution.model,
      sandbox: 'read-only',
      outputSchema: PROTOCOL_PLAN_SCHEMA as unknown as JsonObject,
    });
  }
  jobCtx.addUsage(ledgerUsage(result.usage, result.cost_usd));
  if (result.usage)
    telemetry.observeTokens({
      phase: 'planning',
      model: result.model,
      engine: result.engine_id,
      input: result.usage.input_tokens,
      output: result.usage.output_tokens,
      cached: result.usage.cached_input_tokens,
      costUsd: result.cost_usd,
    });
  if (jobCtx.signal.aborted) throw jobCtx.signal.reason;
  if (result.outcome !== 'succeeded') {
    throw new PlanningFailure(
      'planning_failed',
      isolation.redact(
        `Planning failed (${result.outcome}): ${result.reason ?? result.errors.join('; ') ?? 'no reason'}`,
      ),
      {
        outcome: result.outcome,
        error: result.reason === null ? null : isolation.redact(result.reason),
        errors: result.errors.map(isolation.redact),
        engine_id: result.engine_id,
      },
    );
  }
  const output = planningOutput(result, isolation.redact);

  const rawUserSpec = config[SPEC_ORIGIN_KEY] === 'user' ? rawSpecOf(config) : null;
  const buildOptions = { ...roots, existingStepNames: existing, defaultEngine: stepEngine };
  let prepared: PreparedSpec;
  try {
    prepared = await spec.prepareFromPlanning(output, buildOptions);
  } catch (error) {
    if (error instanceof ValidationError)
      throw new PlanningFailure('planning_failed', `Invalid planning output: ${error.message}`, {
        error: error.message,
        issues: error.issues as unknown as JsonValue,
      });
    throw error;
  }

  let decomposed = false;
  if (!templateDir && prepared.validation.status === 'valid' && config.decompose !== false) {
    const resolution = resolveEngineAndModel({
      phase: 'decompose',
      project: { default_models: project.default_models, default_engine_id: planningEngine },
      config: ctx.config,
      registry: engines,
    });
    models = { ...models, decompose: resolution.model };
    const files = prepared.spec.steps.map((s) => s.prompt_ref).filter((f) => !/^00-setup/i.test(f));
    if (files.length > 0) {
      // The planning call just made is not in the job ledger yet: it counts too.
      await assertWithinBudget(ctx, {
        phase: 'decompose',
        runId: run.id,
        context: run.protocol_name,
        extra: { tokens: result.usage?.total_tokens ?? 0, cost_usd: result.cost_usd ?? 0 },
      });
      await ctx.record(
        null,
        {
          type: 'decompose_started',
          message: `Decomposing ${files.length} step file(s).`,
          run,
          metadata: { steps: files, model: resolution.model },
        },
        trace,
      );
      const outcome = await decomposition.decomposeProtocol({
        protocolRoot: workspace.protocolRoot,
        protocolName: run.protocol_name,
        workingDir: workspace.worktreePath,
        engineId: resolution.engine_id,
        model: resolution.model,
        skipSimple: ctx.config.skipSimpleDecompose,
        logPath,
        signal: jobCtx.signal,
        project,
      });
      jobCtx.addUsage(ledgerUsage(outcome.usage, outcome.cost_usd));
      await ctx.record(
        null,
        {
          type: 'decompose_completed',
          message: `Decomposed ${outcome.decomposed.length} step file(s).`,
          run,
          metadata: {
            model: outcome.model,
            steps_decomposed: outcome.decomposed,
            steps_skipped: outcome.skipped,
            usage: usageMetadata('decompose', resolution.engine_id, outcome.model, outcome.usage, outcome.cost_usd),
          },
        },
        trace,
      );
      decomposed = outcome.decomposed.length > 0;
      // The step files changed: the spec (its checks) is rebuilt from them.
      if (decomposed) prepared = await spec.prepareFromProtocolFiles(buildOptions);
    }
  }

  if (rawUserSpec) {
    const userSpec = specFromTemplateConfig(config);
    if (userSpec) prepared = spec.prepare(userSpec, buildOptions);
    else {
      const validation = spec.validate(rawUserSpec, roots);
      const meta = spec.meta(validation);
      prepared = {
        spec: rawUserSpec as never,
        spec_hash: spec.hash(rawUserSpec),
        validation,
        spec_meta: meta,
        step_runs: [],
        template_config_patch: { spec_meta: meta as unknown as JsonObject },
      };
    }
  }

  const commit = await git.commitAll({ repoPath: workspace.worktreePath, message: `${run.protocol_name}: plan` });
  if (commit.committed) {
    try {
      await git.push({ repoPath: workspace.worktreePath, branch: workspace.branch });
    } catch (error) {
      ctx.logger.warn(
        { err: error, branch: workspace.branch },
        `pushing the plan of ${run.protocol_name} failed: ${errorMessage(error)}`,
      );
    }
  }
  return {
    workspace,
    prepared,
    userSpec: rawUserSpec !== null,
    models,
    promptVersions: { planning: promptVersion },
    engineId: stepEngine,
    usage: usageMetadata('planning', result.engine_id, result.model, result.usage, result.cost_usd),
    decomposed,
  };
}

async function persistPlan(
  ctx: OrchestratorContext,
  runId: number,
  outcome: PlanOutcome,
  trace: Trace,
): Promise<ProtocolRun> {
  const { prepared, workspace } = outcome;
  return ctx.deps.storage.transaction(async (tx) => {
    let run = await tx.protocolRuns.get(runId);
    // Cancelled (or otherwise ended) while planning: nothing is recorded.
    if (run.status !== 'planning' && run.status !== 'paused') return run;
    run = await tx.protocolRuns.update(run.id, {
      branch_name: workspace.branch,
      worktree_path: workspace.worktreePath,
      protocol_root: workspace.protocolRoot,
    });
    run = await tx.protocolRuns.mergeTemplateConfig(run.id, {
      ...prepared.template_config_patch,
      [SPEC_ORIGIN_KEY]: outcome.userSpec ? 'user' : 'generated',
    });
    if (prepared.validation.status !== 'valid') {
      for (const error of prepared.validation.errors) {
        await ctx.record(
          tx,
          {
            type: 'spec_validation_error',
            message: error,
            run,
            metadata: { protocol_root: workspace.protocolRoot, spec_hash: prepared.spec_hash, error },
          },
          trace,
        );
      }
      return run.status === 'planning' ? tx.protocolRuns.transition(run.id, { from: 'planning', to: 'blocked' }) : run;
    }
    const existing = new Set((await tx.stepRuns.listByRun(run.id)).map((s) => s.step_name));
    let created = 0;
    for (const draft of prepared.step_runs) {
      if (existing.has(draft.step_name)) continue;
      await tx.stepRuns.create({ ...draft, protocol_run_id: run.id });
      created += 1;
    }
    const deferred = run.status === 'paused';
    if (!deferred) run = await tx.protocolRuns.transition(run.id, { from: 'planning', to: 'planned' });
    await ctx.record(
      tx,
      {
        type: 'planned',
        message: deferred ? 'Protocol planned while paused; resume to run it.' : 'Protocol planned.',
        run,
        metadata: {
          steps_created: created,
          protocol_root: workspace.protocolRoot,
          branch: workspace.branch,
          models: outcome.models,
          prompt_versions: outcome.promptVersions,
          spec_hash: prepared.spec_hash,
          spec_validated: true,
          spec_origin: outcome.userSpec ? 'user' : 'generated',
          template_dir: stringOf((run.template_config ?? {})[TEMPLATE_DIR_KEY]),
          engine_id: outcome.engineId,
          decomposed: outcome.decomposed,
          usage: outcome.usage,
        },
      },
      trace,
    );
    await enqueueAutoPr(ctx, tx, run, trace);
    if (deferred || !run.auto_advance) return run;
    const next = nextPendingStep(await tx.stepRuns.listByRun(run.id));
    if (!next) return run;
    const enqueued = await enqueueExecution(ctx, tx, run, next, {
      event: 'step_enqueued',
      message: `Auto-advance: step ${next.step_name} enqueued.`,
      metadata: { source: 'auto_advance' },
      trace,
    });
    return enqueued.run;
  });
}

async function failPlanning(
  ctx: OrchestratorContext,
  runId: number,
  failure: { eventType: EventType; message: string; metadata: JsonObject },
  trace: Trace,
): Promise<ProtocolRun> {
  return ctx.deps.storage.transaction(async (tx) => {
    const run = await tx.protocolRuns.get(runId);
    if (run.status !== 'planning') return run;
    await ctx.record(tx, { type: failure.eventType, message: failure.message, run, metadata: failure.metadata }, trace);
    return tx.protocolRuns.transition(run.id, { from: 'planning', to: 'blocked' });
  });
}

/**
 * `plan_protocol_job`: acts only on a `planning` run. Worktree on the protocol's branch, plan from
 * the template folder (shell engine) or the planning engine, spec built (or the caller's honoured)
 * and validated, optional decomposition, plan committed. Valid → step runs + `planned` (+ the first
 * step when auto_advance); invalid → `spec_validation_error` events + `blocked`, never `planned`.
 */
export function createPlanProtocolHandler(ctx: OrchestratorContext): OrchestratorJobHandler<'plan_protocol_job'> {
  return async (job, jobCtx): Promise<HandlerResult> =>
    inRunJobScope(ctx, job, job.payload.protocol_run_id, async (run): Promise<HandlerResult> => {
      if (run.status !== 'planning') return skipped(`protocol is ${run.status}`);
      const trace = jobTrace(job);
      const logPath = jobLogPath(ctx, job);
      jobCtx.setLogPath(logPath);
      const project = await ctx.deps.storage.projects.get(run.project_id);
      let outcome: PlanOutcome;
      try {
        outcome = await plan(ctx, job, jobCtx, project, run, logPath);
      } catch (error) {
        if (!(error instanceof PlanningFailure)) rethrowIfRunnerOwns(jobCtx, error);
        const failure: { eventType: EventType; message: string; metadata: JsonObject } =
          error instanceof PlanningFailure
            ? { eventType: error.eventType, message: error.message, metadata: error.metadata }
            : {
                eventType: 'planning_failed',
                message: `Planning failed: ${errorMessage(error)}`,
                metadata: { error: errorMessage(error), error_type: (error as Error)?.name ?? 'Error' },
              };
        const blocked = await failPlanning(ctx, run.id, failure, trace);
        return { result: { outcome: 'blocked', status: blocked.status, error: failure.message } };
      }
      const updated = await persistPlan(ctx, run.id, outcome, trace);
      return {
        result: {
          outcome: updated.status,
          steps: outcome.prepared.step_runs.length,
          spec_hash: outcome.prepared.spec_hash,
        },
      };
    });
}
