import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError, errorMessage, type Project } from '@tasksgodzilla/core';
import {
  SHELL_ENGINE_ID,
  projectEngineIsolation,
  resolveEngineAndModel,
  type Engine,
  type EngineOutcome,
  type EngineResult,
  type ProjectEngineIsolation,
} from '@tasksgodzilla/platform-engines';
import {
  effectiveQaPolicy,
  extractChecks,
  resolveSpecPath,
  type QaPolicy,
  type StepSpec,
} from '@tasksgodzilla/services-spec';
import { runChecks, type CheckRun } from './qa-checks.js';
import { renderQaReport, writeQaReport } from './qa-report.js';
import { QA_OUTPUT_SCHEMA, parseQaAnswer, renderQaAnswer } from './qa-structured.js';
import type { QaInput, QaOutcome, QaResult, QaVerdict, QualityService, QualityServiceDeps } from './quality.types.js';
import { determineVerdict } from './verdict.js';
import { readOptional, resolveStepTarget, type StepTarget } from '@tasksgodzilla/services-spec';

interface AgentRun {
  engine_id: string;
  model: string | null;
  outcome: EngineOutcome;
  verdict: QaVerdict | null;
  text: string | null;
  /** Why no verdict could be taken from the run (engine error, timeout, no verdict line …). */
  error: string | null;
  result: EngineResult | null;
  promptVersion: string | null;
  budgetWarning: string | null;
}

function projectDefaultEngine(project: Project): string | null {
  const value = (project.default_models as Record<string, unknown> | null)?.engine;
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/** The subject of the commit a `git show --format=fuller` text describes. */
function commitSubject(show: string): string | null {
  const lines = show.split('\n');
  const blank = lines.indexOf('');
  const subject = blank >= 0 ? lines[blank + 1]?.trim() : undefined;
  return subject ? subject : null;
}

function describeCheck(check: CheckRun): string {
  return `\`${check.command}\` (${check.error ?? `exit ${check.exit_code ?? 'none'}`})`;
}

/**
 * QualityService: QA per the step's policy. `skip` does nothing (unless the step declares checks);
 * `light` and `full` run the QA agent; the step's checks run as commands in the worktree. The
 * outcome combines both and is written to one report file per attempt.
 */
export function createQualityService(deps: QualityServiceDeps): QualityService {
  const { engines, git, prompts, telemetry, config } = deps;

  async function lastCommit(worktreePath: string): Promise<{ subject: string | null; patch: string | null }> {
    try {
      const patch = await git.showCommit(worktreePath, await git.headSha(worktreePath));
      return { subject: commitSubject(patch), patch };
    } catch (error) {
      telemetry.logger.debug({ err: error, worktree: worktreePath }, 'no last commit for QA');
      return { subject: '(no commits yet)', patch: null };
    }
  }

  async function qaInstructions(
    stepSpec: StepSpec,
    roots: { protocolRoot: string; workspaceRoot: string },
  ): Promise<string | null> {
    const ref = stepSpec.qa?.prompt;
    if (!ref) return null;
    const text = await readOptional(resolveSpecPath(ref, roots));
    return text.trim() === '' ? null : text;
  }

  async function runAgent(
    input: QaInput,
    target: StepTarget,
    engine: Engine,
    model: string | null,
    policy: QaPolicy,
    checks: CheckRun[],
    isolation: ProjectEngineIsolation,
  ): Promise<AgentRun> {
    const { protocolRoot, worktreePath } = input;
    const roots = { protocolRoot, workspaceRoot: worktreePath };
    const [plan, context, log, summary, instructions, commit] = await Promise.all([
      readOptional(join(protocolRoot, 'plan.md')),
      readOptional(join(protocolRoot, 'context.md')),
      readOptional(join(protocolRoot, 'log.md')),
      readOptional(target.outputs.protocol),
      qaInstructions(target.stepSpec, roots),
      lastCommit(worktreePath),
    ]);
    const rendered = await prompts.buildQaPrompt({
      protocolName: input.run.protocol_name,
      stepFilename: target.stepFilename,
      stepContent: target.content,
      workspaceRoot: worktreePath,
      plan,
      context,
      log,
      summary,
      diff: commit.patch,
      lastCommit: commit.subject,
      checks: checks.map((check) => ({
        command: check.command,
        exit_code: check.exit_code,
        output: check.output_tail,
        timed_out: check.timed_out,
      })),
      light: policy === 'light',
      instructions,
    });
    const base = { engine_id: engine.id, model, promptVersion: rendered.version };
    const estimate = telemetry.estimateTokens(rendered.text);
    let budgetWarning: string | null = null;
    const limit = config.maxTokensPerStep;
    if (config.tokenBudgetMode !== 'off' && limit !== undefined && estimate > limit) {
      const message = `Estimated prompt tokens (${estimate}) exceed the configured per-step limit (${limit}) for qa:${target.stepFilename}. Reduce context or raise the budget.`;
      if (config.tokenBudgetMode === 'strict') {
        return {
          ...base,
          outcome: 'budget_exceeded',
          verdict: null,
          text: null,
          error: message,
          result: null,
          budgetWarning: null,
        };
      }
      budgetWarning = message;
      telemetry.logger.warn({ step_run_id: input.step.id, budget_mode: config.tokenBudgetMode }, message);
    }
    telemetry.observeEstimatedTokens('qa', model, estimate);

    const structured = engine.capabilities.structuredOutput;
    let result: EngineResult;
    try {
      result = await engine.qa({
        prompt: rendered.text,
        model,
        workingDir: worktreePath,
        sandbox: 'read-only',
        logPath: input.logPath,
        stepFile: target.stepFile,
        timeoutMs: config.engineTimeoutSeconds * 1000,
        stallTimeoutMs: config.engineStallTimeoutSeconds * 1000,
        outputSchema: structured ? QA_OUTPUT_SCHEMA : null,
        env: isolation.env,
        passEnv: isolation.passEnv,
        redact: isolation.redact,
        ...(input.signal ? { signal: input.signal } : {}),
      });
    } catch (error) {
      const message = isolation.redact(`QA engine ${engine.id} could not run: ${errorMessage(error)}`);
      telemetry.logger.warn({ err: error, step_run_id: input.step.id, engine_id: engine.id }, message);
      return { ...base, outcome: 'failed', verdict: null, text: null, error: message, result: null, budgetWarning };
    }
    if (result.usage || result.cost_usd !== null) {
      telemetry.observeTokens({
        phase: 'qa',
        model: result.model ?? model,
        engine: engine.id,
        input: result.usage?.input_tokens ?? 0,
        output: result.usage?.output_tokens ?? 0,
        cached: result.usage?.cached_input_tokens ?? 0,
        costUsd: result.cost_usd,
      });
    }
    const common = { ...base, outcome: result.outcome, result, budgetWarning };
    const redact = isolation.redact;
    if (result.outcome !== 'succeeded') {
      return {
        ...common,
        verdict: null,
        text: result.final_message === null ? null : redact(result.final_message),
        error: redact(`QA engine run ${result.outcome}${result.reason ? `: ${result.reason}` : ''}`),
      };
    }
    const answer = structured ? parseQaAnswer(result.structured_output) : null;
    if (answer) return { ...common, verdict: answer.verdict, text: redact(renderQaAnswer(answer)), error: null };
    const text = redact(result.final_message ?? '');
    const verdict = determineVerdict(text);
    return {
      ...common,
      verdict,
      text,
      error: verdict === null ? 'The QA agent gave no verdict line (`Verdict: PASS|FAIL`)' : null,
    };
  }

  function combine(
    checks: CheckRun[],
    agent: AgentRun | null,
  ): { outcome: Exclude<QaOutcome, 'SKIPPED'>; reason: string } {
    const failed = checks.filter((check) => !check.passed);
    if (failed.length > 0) {
      const agentNote = agent?.verdict === 'PASS' ? ' The agent said PASS; failing checks win.' : '';
      return { outcome: 'FAIL', reason: `Failing check(s): ${failed.map(describeCheck).join(', ')}.${agentNote}` };
    }
    if (agent) {
      if (agent.error !== null || agent.verdict === null) {
        return { outcome: 'ERROR', reason: `QA could not give a verdict: ${agent.error ?? 'no verdict'}.` };
      }
      if (agent.verdict === 'FAIL')
        return { outcome: 'FAIL', reason: `The QA agent (${agent.engine_id}) found blocking issues.` };
      return {
        outcome: 'PASS',
        reason:
          checks.length > 0
            ? `The QA agent (${agent.engine_id}) passed the step and all ${checks.length} check(s) passed.`
            : `The QA agent (${agent.engine_id}) passed the step.`,
      };
    }
    return { outcome: 'PASS', reason: `All ${checks.length} check(s) passed.` };
  }

  async function runQa(input: QaInput): Promise<QaResult> {
    const { step, protocolRoot, worktreePath } = input;
    if (!worktreePath || !existsSync(worktreePath) || !statSync(worktreePath).isDirectory()) {
      throw new ValidationError(`Worktree ${worktreePath} is not an existing directory`, [
        { path: ['worktreePath'], message: 'not an existing directory' },
      ]);
    }
    // A step whose own policy is `skip` never gets an agent review, whatever the override says;
    // only its checks run (the orchestrator runs those inline with a `light` override).
    const declared = effectiveQaPolicy(input.stepSpec);
    const policy: QaPolicy = declared === 'skip' ? 'skip' : (input.policyOverride ?? declared);
    const target = await resolveStepTarget(step, input.stepSpec, { protocolRoot, workspaceRoot: worktreePath });
    const declaredChecks = target.stepSpec.checks ?? extractChecks(target.content);
    const skipped: QaResult = {
      outcome: 'SKIPPED',
      policy,
      report_path: null,
      report: '',
      checks: [],
      agent: null,
      usage: null,
      cost_usd: null,
      prompt_version: null,
      error: null,
      attempt: null,
      reason: 'QA skipped by policy.',
      budget_warning: null,
    };
    if (policy === 'skip' && declaredChecks.length === 0) return skipped;

    let engine: Engine | null = null;
    let model: string | null = null;
    if (policy !== 'skip') {
      const resolution = resolveEngineAndModel({
        phase: 'qa',
        stepSpec: target.stepSpec,
        stepRun: step,
        project: {
          default_models: input.project.default_models,
          default_engine_id: projectDefaultEngine(input.project),
        },
        config: {
          defaultEngine: config.defaultEngine,
          qaModel: config.qaModel,
          planningModel: undefined,
          decomposeModel: undefined,
          execModel: undefined,
          discoveryModel: '',
        },
        registry: engines,
      });
      engine = engines.get(resolution.engine_id);
      model = resolution.model;
    }

    // The shell engine's QA only runs the step file's checks, which run here already (every check
    // is run and reported by this service); it is asked only when there is nothing else to verify.
    if (engine?.id === SHELL_ENGINE_ID && declaredChecks.length > 0) engine = null;

    // The same environment and redaction as the step's execution (platform-engines projectEngineIsolation).
    const isolation = projectEngineIsolation(input.project.secrets, deps.redactValues);
    const checks = await runChecks(declaredChecks, {
      cwd: worktreePath,
      logPath: input.logPath,
      env: isolation.env,
      passEnv: isolation.passEnv,
      redact: isolation.redact,
      timeoutMs: config.engineTimeoutSeconds * 1000,
      stallTimeoutMs: config.engineStallTimeoutSeconds * 1000,
      ...(input.signal ? { signal: input.signal } : {}),
    });
    const agent = engine ? await runAgent(input, target, engine, model, policy, checks, isolation) : null;
    const { outcome, reason } = combine(checks, agent);
    const report = await writeQaReport(protocolRoot, target.stepFilename, (attempt) =>
      isolation.redact(
        renderQaReport({
          stepFilename: target.stepFilename,
          attempt,
          policy,
          agent: agent
            ? { engine_id: agent.engine_id, model: agent.model, outcome: agent.outcome, text: agent.text }
            : null,
          checks,
          outcome,
          reason,
          budgetWarning: agent?.budgetWarning ?? null,
        }),
      ),
    );
    telemetry.observeQaVerdict(outcome.toLowerCase());
    return {
      outcome,
      policy,
      report_path: report.path,
      report: report.text,
      checks,
      agent: agent
        ? { verdict: agent.verdict, outcome: agent.outcome, engine_id: agent.engine_id, model: agent.model }
        : null,
      usage: agent?.result?.usage ?? null,
      cost_usd: agent?.result?.cost_usd ?? null,
      prompt_version: agent?.promptVersion ?? null,
      error: outcome === 'ERROR' ? (agent?.error ?? reason) : (agent?.error ?? null),
      attempt: report.attempt,
      reason,
      budget_warning: agent?.budgetWarning ?? null,
    };
  }

  return {
    runQa,
    determineVerdict,
    shouldEvaluate: (stepSpec) => effectiveQaPolicy(stepSpec) !== 'skip' || (stepSpec?.checks?.length ?? 0) > 0,
  };
}
