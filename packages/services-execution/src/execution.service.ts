import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  BudgetExceededError,
  ValidationError,
  errorMessage,
  isAppError,
  parseNeedsInput,
  type EventType,
  type JsonObject,
  type Project,
} from '@tasksgodzilla/core';
import { resolveEngineAndModel, type Engine, type EngineResult } from '@tasksgodzilla/platform-engines';
import { extractChecks, specHash } from '@tasksgodzilla/services-spec';
import { fingerprintText, formatResumeMessage, hasFeedback } from '@tasksgodzilla/services-prompts';
import { checkBudget } from './execution-budget.js';
import type {
  ExecuteStepInput,
  ExecuteStepResult,
  ExecutionPlan,
  ExecutionService,
  ExecutionServiceDeps,
} from './execution.types.js';
import { createPushQueue } from './push-queue.js';
import { createStepIsolation, fenceMetadata } from './step-isolation.js';
import { readOptional, resolveStepTarget, type StepTarget } from '@tasksgodzilla/services-spec';

interface Prepared {
  plan: ExecutionPlan;
  engine: Engine;
  target: StepTarget;
}

/** `<protocol_name>: <step_name> [step <index>]`, the message of the commit made after a step. */
export function stepCommitMessage(protocolName: string, stepName: string, stepIndex: number): string {
  return `${protocolName}: ${stepName} [step ${stepIndex}]`;
}

/** Trailer line of a step commit naming the job that made it (a job re-run after its commit is not re-executed). */
export function stepCommitTrailer(jobId: string): string {
  return `TasksGodzilla-Job: ${jobId}`;
}

/** The project's default engine, when its `default_models` JSON carries an `engine` key. */
function projectDefaultEngine(project: Project): string | null {
  const value = (project.default_models as Record<string, unknown> | null)?.engine;
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function checksSection(checks: string[], stepContent: string): string {
  const unseen = checks.filter((command) => !stepContent.includes(command));
  if (unseen.length === 0) return '';
  return `\n\nQA checks the orchestrator runs after this step (make them pass):\n${unseen.map((command) => `- \`${command}\``).join('\n')}\n`;
}

function positiveOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && value > 0 ? value : null;
}

/**
 * ExecutionService: one step run, start to commit. It resolves engine, model, prompt and outputs,
 * checks the budget, runs the engine in the worktree, writes the final message to the outputs,
 * commits, queues the branch's push (best effort, behind the step: `settlePushes`) and reports usage.
 * It never changes statuses or enqueues.
 */
export function createExecutionService(deps: ExecutionServiceDeps): ExecutionService {
  const { engines, git, prompts, telemetry, config } = deps;
  const isolation = createStepIsolation({
    git,
    engineTimeoutSeconds: config.engineTimeoutSeconds,
    ...(deps.redactValues ? { redactValues: deps.redactValues } : {}),
    ...(deps.host ? { host: deps.host } : {}),
  });

  async function prepare(input: ExecuteStepInput): Promise<Prepared> {
    const { project, run, step, protocolRoot, worktreePath } = input;
    if (!worktreePath || !existsSync(worktreePath) || !statSync(worktreePath).isDirectory()) {
      throw new ValidationError(`Worktree ${worktreePath} is not an existing directory`, [
        { path: ['worktreePath'], message: 'not an existing directory' },
      ]);
    }
    const target = await resolveStepTarget(step, input.stepSpec, { protocolRoot, workspaceRoot: worktreePath });
    const resolution = resolveEngineAndModel({
      phase: 'exec',
      stepSpec: target.stepSpec,
      stepRun: step,
      project: { default_models: project.default_models, default_engine_id: projectDefaultEngine(project) },
      config: {
        defaultEngine: config.defaultEngine,
        execModel: config.execModel,
        planningModel: undefined,
        decomposeModel: undefined,
        qaModel: undefined,
        discoveryModel: '',
      },
      registry: engines,
    });
    const engine = engines.get(resolution.engine_id);
    const checks = target.stepSpec.checks ?? extractChecks(target.content);
    const [plan, context] = await Promise.all([
      readOptional(join(protocolRoot, 'plan.md')),
      readOptional(join(protocolRoot, 'context.md')),
    ]);
    const rendered = await prompts.buildExecPrompt({
      protocolName: run.protocol_name,
      stepFilename: target.stepFilename,
      stepContent: target.content,
      plan,
      context,
      workspaceRoot: worktreePath,
      protocolRoot,
      outputs: { protocol: target.outputs.protocol, aux: target.outputs.aux },
      feedback: input.feedback ?? null,
      ...(input.feedbackMaxChars !== undefined ? { feedbackMaxChars: input.feedbackMaxChars } : {}),
    });
    // A resumed session already holds the step's instructions: it gets only what went wrong.
    const resumeSessionId =
      input.resume &&
      input.resume.engine_id === resolution.engine_id &&
      engine.capabilities.resume &&
      hasFeedback(input.feedback)
        ? input.resume.session_id
        : null;
    const prompt =
      resumeSessionId && input.feedback
        ? formatResumeMessage(target.stepFilename, input.feedback, input.feedbackMaxChars)
        : rendered.text + checksSection(checks, target.content);
    const estimated = telemetry.estimateTokens(prompt);
    const budget = checkBudget({
      estimatedTokens: estimated,
      spent: input.spent,
      limits: {
        mode: config.tokenBudgetMode,
        maxTokensPerStep: config.maxTokensPerStep,
        maxTokensPerProtocol: config.maxTokensPerProtocol,
        maxCostUsdPerStep: config.maxCostUsdPerStep,
        maxCostUsdPerProtocol: config.maxCostUsdPerProtocol,
      },
      context: `exec:${target.stepFilename}`,
    });
    const outputs = [...new Set([target.outputs.protocol, ...Object.values(target.outputs.aux)])];
    return {
      engine,
      target,
      plan: {
        engine_id: resolution.engine_id,
        model: resolution.model,
        prompt,
        prompt_version: target.version,
        prompt_path: target.stepFile,
        outputs,
        estimated_tokens: estimated,
        sandbox: 'workspace-write',
        budget: { ok: budget.ok, mode: budget.mode, message: budget.message, remaining: budget.remaining },
        template_version: rendered.version,
        checks,
        resume_session_id: resumeSessionId,
        prompt_fingerprint: fingerprintText(prompt),
      },
    };
  }

  async function recordPushEvent(
    input: ExecuteStepInput,
    eventType: EventType,
    message: string,
    metadata: JsonObject,
  ): Promise<void> {
    try {
      await telemetry.recordEvent({
        project_id: input.project.id,
        protocol_run_id: input.run.id,
        step_run_id: input.step.id,
        event_type: eventType,
        message,
        metadata,
        ...(input.requestId !== undefined ? { request_id: input.requestId } : {}),
        ...(input.jobId !== undefined ? { job_id: input.jobId } : {}),
      });
    } catch (error) {
      // The push already happened (or failed); a lost audit line must not fail the step.
      telemetry.logger.warn(
        { err: error, event_type: eventType },
        `could not record ${eventType}: ${errorMessage(error)}`,
      );
    }
  }

  /** One step's push, waiting in its worktree's lane of the push queue. */
  interface PushRequest {
    input: ExecuteStepInput;
    commitSha: string | null;
  }

  /** Pushes a lane's batch once (the branch head holds every commit of the batch) and records each step's event. */
  async function pushBatch(worktreePath: string, batch: readonly PushRequest[]): Promise<void> {
    const first = batch[0];
    if (!first) return;
    const { branch } = first.input;
    let outcome: { pushed: boolean; error: unknown };
    try {
      outcome = { pushed: (await git.push({ repoPath: worktreePath, branch })).pushed, error: null };
    } catch (error) {
      outcome = { pushed: false, error };
    }
    for (const { input, commitSha } of batch) {
      const meta = { branch: input.branch, commit_sha: commitSha, step_name: input.step.step_name };
      if (outcome.pushed) {
        await recordPushEvent(input, 'step_pushed', `Pushed ${input.branch} after ${input.step.step_name}.`, meta);
      } else if (outcome.error !== null) {
        const message = errorMessage(outcome.error);
        const code = isAppError(outcome.error) ? outcome.error.code : 'push_failed';
        await recordPushEvent(input, 'open_pr_failed', `Failed to push branch ${input.branch}: ${message}`, {
          ...meta,
          error: message,
          error_code: code,
        });
      }
    }
  }

  const pushes = createPushQueue<PushRequest>(pushBatch, (error, worktreePath) =>
    telemetry.logger.warn({ err: error, worktree: worktreePath }, `a queued push failed: ${errorMessage(error)}`),
  );

  /**
   * Queues the branch's push behind the step (push-queue.ts): the step's job does not wait for it.
   * Its outcome is the `step_pushed` (or `open_pr_failed`) event; without an origin there is none.
   */
  function push(input: ExecuteStepInput, commitSha: string | null): ExecuteStepResult['push'] {
    pushes.enqueue(input.worktreePath, { input, commitSha });
    return { pushed: false, branch: input.branch, error: null, reason: 'queued' };
  }

  async function writeOutputs(paths: string[], text: string): Promise<string[]> {
    const body = text.endsWith('\n') ? text : `${text}\n`;
    for (const path of paths) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, body);
    }
    return paths;
  }

  /**
   * The same job already committed this step (its worker died after the commit, before the outcome
   * was recorded, and the job was claimed again or retried): report that commit instead of running
   * the engine again and committing the step twice.
   */
  async function alreadyCommitted(input: ExecuteStepInput, plan: ExecutionPlan): Promise<ExecuteStepResult | null> {
    if (!input.jobId) return null;
    // The message alone says whether it is this job's commit (read from the repository's files when
    // it can); the changed files are asked of git only then.
    const trailer = stepCommitTrailer(input.jobId);
    const message = await git.headMessage(input.worktreePath);
    if (!message || !message.message.split('\n').some((line) => line.trim() === trailer)) return null;
    const head = await git.headCommit(input.worktreePath);
    if (!head) return null;
    const commit = { sha: head.sha, files: head.files };
    const pushResult = push(input, commit.sha);
    return {
      outcome: 'succeeded',
      engine_id: plan.engine_id,
      model: plan.model,
      prompt_version: plan.prompt_version,
      prompt_path: plan.prompt_path,
      outputs_written: [],
      commit,
      push: pushResult,
      usage: null,
      cost_usd: null,
      estimated_tokens: 0,
      final_message: null,
      log_path: input.logPath,
      error: null,
      budget_warning: null,
      question: null,
      metadata: {
        engine_id: plan.engine_id,
        outcome: 'succeeded',
        already_committed: true,
        commit_sha: commit.sha,
        push_queued: pushResult.reason === 'queued',
        log_path: input.logPath,
      },
    };
  }

  async function executeStep(input: ExecuteStepInput): Promise<ExecuteStepResult> {
    const { plan, engine, target } = await prepare(input);
    const { run, step } = input;
    const done = await alreadyCommitted(input, plan);
    if (done) return done;
    let budgetWarning: string | null = null;
    if (!plan.budget.ok) {
      if (plan.budget.mode === 'strict') {
        throw new BudgetExceededError(plan.budget.message ?? 'Budget exceeded', {
          details: { step_name: step.step_name, estimated_tokens: plan.estimated_tokens, spent: { ...input.spent } },
        });
      }
      budgetWarning = plan.budget.message;
      telemetry.logger.warn(
        { step_run_id: step.id, protocol_run_id: run.id, budget_mode: plan.budget.mode },
        budgetWarning ?? 'budget exceeded',
      );
    }
    telemetry.observeEstimatedTokens('exec', plan.model, plan.estimated_tokens);

    const strict = plan.budget.mode === 'strict';
    let result: EngineResult | null = null;
    let engineError: string | null = null;
    // Kills and undoes an earlier attempt that died mid-run, then holds the worktree until this
    // attempt's output is committed: a worker that dies between the engine's end and the commit
    // leaves the lock, so the next attempt undoes that output instead of committing it too.
    const isolated = await isolation.begin(input);
    try {
      result = await engine.execute({
        ...isolated.request,
        prompt: plan.prompt,
        model: plan.model,
        workingDir: input.worktreePath,
        sandbox: 'workspace-write',
        logPath: input.logPath,
        stepFile: target.stepFile,
        timeoutMs: config.engineTimeoutSeconds * 1000,
        stallTimeoutMs: config.engineStallTimeoutSeconds * 1000,
        maxTokens: strict ? positiveOrNull(plan.budget.remaining?.tokens) : null,
        maxBudgetUsd: strict ? positiveOrNull(plan.budget.remaining?.cost_usd) : null,
        resumeSessionId: plan.resume_session_id ?? null,
        ...(input.signal ? { signal: input.signal } : {}),
      });
    } catch (error) {
      // The engine could not run at all (not installed, bad request): a failed execution.
      engineError = `Engine ${plan.engine_id} could not run: ${errorMessage(error)}`;
      telemetry.logger.warn({ err: error, step_run_id: step.id, engine_id: plan.engine_id }, engineError);
    }

    const usage = result?.usage ?? null;
    const cost = result?.cost_usd ?? null;
    if (usage || cost !== null) {
      telemetry.observeTokens({
        phase: 'exec',
        model: result?.model ?? plan.model,
        engine: plan.engine_id,
        input: usage?.input_tokens ?? 0,
        output: usage?.output_tokens ?? 0,
        cached: usage?.cached_input_tokens ?? 0,
        costUsd: cost,
      });
    }

    const outcome = result?.outcome ?? 'failed';
    const finalMessage = result?.final_message != null ? isolated.redact(result.final_message) : null;
    // An agent that asked a person did not finish: nothing is written to the outputs, committed or
    // pushed; its changes stay uncommitted in the worktree for the attempt that gets the answer.
    const question = outcome === 'succeeded' ? parseNeedsInput(finalMessage) : null;
    const succeeded = outcome === 'succeeded' && question === null;
    let outputsWritten: string[] = [];
    let commit: ExecuteStepResult['commit'] = null;
    let pushResult: ExecuteStepResult['push'] = {
      pushed: false,
      branch: input.branch,
      error: null,
      reason: 'not_attempted',
    };
    try {
      if (succeeded) {
        if (finalMessage && finalMessage.trim() !== '') outputsWritten = await writeOutputs(plan.outputs, finalMessage);
        const subject = stepCommitMessage(run.protocol_name, step.step_name, step.step_index);
        const message = input.jobId ? `${subject}\n\n${stepCommitTrailer(input.jobId)}` : subject;
        const committed = await git.commitAll({ repoPath: input.worktreePath, message });
        if (committed.committed) commit = { sha: committed.sha, files: committed.files };
      }
    } finally {
      await isolated.release();
    }
    if (succeeded) pushResult = push(input, commit?.sha ?? null);

    const failure =
      outcome === 'succeeded'
        ? null
        : (engineError ?? `Execution ${outcome}${result?.reason ? `: ${result.reason}` : ''}`);
    const error = failure === null ? null : isolated.redact(failure);
    const metadata: JsonObject = {
      engine_id: plan.engine_id,
      model: plan.model,
      prompt_path: plan.prompt_path,
      prompt_versions: { exec: plan.prompt_version, exec_template: plan.template_version ?? null },
      estimated_tokens: { exec: plan.estimated_tokens },
      outputs: { protocol: target.outputs.protocol, aux: { ...target.outputs.aux } },
      spec_hash: specHash(input.spec),
      spec_validated: target.declared,
      outcome,
      reason: result?.reason ?? engineError,
      session_id: result?.session_id ?? null,
      resumed_session_id: plan.resume_session_id ?? null,
      prompt_fingerprint: plan.prompt_fingerprint ?? null,
      duration_ms: result?.duration_ms ?? null,
      log_path: input.logPath,
      commit_sha: commit?.sha ?? null,
      push_queued: pushResult.reason === 'queued',
      budget_warning: budgetWarning,
      needs_input: question,
      usage: usage ? { ...usage } : null,
      cost_usd: cost,
      ...(isolated.fenced ? { fenced_attempt: fenceMetadata(isolated.fenced) } : {}),
    };
    return {
      outcome,
      engine_id: plan.engine_id,
      model: result?.model ?? plan.model,
      prompt_version: plan.prompt_version,
      prompt_path: plan.prompt_path,
      outputs_written: outputsWritten,
      commit,
      push: pushResult,
      usage,
      cost_usd: cost,
      estimated_tokens: plan.estimated_tokens,
      final_message: finalMessage,
      log_path: result?.log_path ?? input.logPath,
      error,
      budget_warning: budgetWarning,
      question,
      metadata,
    };
  }

  return {
    buildExecutionPlan: async (input) => (await prepare(input)).plan,
    executeStep,
    settlePushes: (worktreePath) => pushes.settle(worktreePath),
    pendingPushes: (worktreePath) => pushes.pending(worktreePath),
  };
}
