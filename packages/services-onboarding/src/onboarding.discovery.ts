import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, type EventType, type JsonObject, type Project } from '@tasksgodzilla/core';
import { resolveEngineAndModel, type Engine, type EngineResult } from '@tasksgodzilla/platform-engines';
import type { DiscoveryJobInput, DiscoveryJobResult, OnboardingServiceDeps } from './onboarding.types.js';

/**
 * Discovery never gets less than this many seconds. The original's 15 s default
 * (`TASKSGODZILLA_DISCOVERY_TIMEOUT`) is far too short for an agent to read a repository, so it
 * always timed out (its defect 25); the stall watchdog still kills an agent that goes silent.
 */
export const DISCOVERY_TIMEOUT_FLOOR_SECONDS = 300;

/** Folder (relative to the repository) the discovery notes are written to. */
export const DISCOVERY_OUTPUT_DIR = 'tasksgodzilla';
export const DISCOVERY_NOTES = ['DISCOVERY.md', 'ARCHITECTURE.md', 'API_REFERENCE.md', 'CI_NOTES.md'] as const;

/** Effective discovery timeout: the configured seconds, raised to the floor. */
export function discoveryTimeoutSeconds(
  configuredSeconds: number,
  floorSeconds: number = DISCOVERY_TIMEOUT_FLOOR_SECONDS,
): number {
  return Math.max(configuredSeconds, floorSeconds);
}

export type DiscoveryRecorder = (eventType: EventType, message: string, metadata: JsonObject) => Promise<void>;

export interface DiscoveryInput {
  project: Project;
  repoPath: string;
  logPath: string;
  signal?: AbortSignal;
  record: DiscoveryRecorder;
  /** The engine to run instead of the project's / configured default (`tgz discover --engine`). */
  engineId?: string | null;
}

export interface DiscoveryReport {
  /** `exists`: the notes were already there (skipped, nothing to do). */
  status: 'skipped' | 'exists' | 'completed' | 'warning';
  engine_id: string | null;
  model: string | null;
  reason: string | null;
  /** The notes (paths relative to the repository) present after the pass. */
  notes: string[];
}

type DiscoveryPlan =
  | { engine: Engine; model: string | null }
  | { skip: string; engine_id: string | null; exists?: boolean };

/** The discovery notes present in the repository, as `tasksgodzilla/<name>`. */
export function discoveryNotesIn(repoPath: string): string[] {
  return DISCOVERY_NOTES.map((name) => `${DISCOVERY_OUTPUT_DIR}/${name}`).filter((path) =>
    existsSync(join(repoPath, path)),
  );
}

async function planDiscovery(
  deps: OnboardingServiceDeps,
  project: Project,
  repoPath: string,
  engineId: string | null,
): Promise<DiscoveryPlan> {
  const existing = join(DISCOVERY_OUTPUT_DIR, DISCOVERY_NOTES[0]);
  if (existsSync(join(repoPath, existing))) {
    return {
      skip: `discovery notes already exist (${existing}); delete them to run discovery again`,
      engine_id: null,
      exists: true,
    };
  }
  let engine: Engine;
  let model: string | null;
  try {
    const { config } = deps;
    const resolution = resolveEngineAndModel({
      phase: 'discovery',
      project: { default_models: project.default_models },
      // An engine asked for explicitly takes the slot of a per-call choice.
      stepRun: engineId ? { engine_id: engineId } : null,
      // Only the discovery model is consulted for this phase.
      config: {
        defaultEngine: config.defaultEngine,
        discoveryModel: config.discoveryModel,
        planningModel: '',
        decomposeModel: '',
        execModel: '',
        qaModel: '',
      },
      registry: deps.engines,
    });
    engine = deps.engines.get(resolution.engine_id);
    model = resolution.model;
  } catch (error) {
    return { skip: errorMessage(error), engine_id: engineId || deps.config.defaultEngine || null };
  }
  if (engine.kind !== 'cli') {
    return {
      skip: `engine "${engine.id}" has no discovery capability: it is not a coding agent (it runs the fenced shell blocks of step files), so there is nothing it could discover`,
      engine_id: engine.id,
    };
  }
  const probe = await engine.probe();
  if (!probe.installed) {
    return {
      skip: `engine "${engine.id}" is not installed (${probe.error ?? `${probe.binary ?? engine.id} not found`})`,
      engine_id: engine.id,
    };
  }
  return { engine, model };
}

function resultMetadata(result: EngineResult): JsonObject {
  return {
    outcome: result.outcome,
    reason: result.reason,
    exit_code: result.exit_code,
    duration_ms: result.duration_ms,
    errors: result.errors.slice(-5),
    log_path: result.log_path,
    usage: result.usage ? { ...result.usage } : null,
    cost_usd: result.cost_usd,
  };
}

/**
 * The discovery pass (reference §7.3) through the engine registry. Every path ends in exactly one
 * of `setup_discovery_skipped` (with the reason), `setup_discovery_completed` or
 * `setup_discovery_warning`; a failure never stops onboarding. An abort is rethrown by the caller.
 */
export async function runDiscovery(deps: OnboardingServiceDeps, input: DiscoveryInput): Promise<DiscoveryReport> {
  const { project, repoPath, record } = input;
  const plan = await planDiscovery(deps, project, repoPath, input.engineId ?? null);
  const report = (
    status: DiscoveryReport['status'],
    engineId: string | null,
    model: string | null,
    reason: string | null,
  ): DiscoveryReport => ({ status, engine_id: engineId, model, reason, notes: discoveryNotesIn(repoPath) });
  if ('skip' in plan) {
    await record('setup_discovery_skipped', `Discovery skipped: ${plan.skip}.`, {
      path: repoPath,
      engine_id: plan.engine_id,
      reason: plan.skip,
    });
    return report(plan.exists ? 'exists' : 'skipped', plan.engine_id, null, plan.skip);
  }
  const { engine, model } = plan;
  const base: JsonObject = { path: repoPath, engine_id: engine.id, model };
  const configured = deps.config.discoveryTimeoutSeconds;
  const timeoutSeconds = discoveryTimeoutSeconds(configured, deps.discoveryTimeoutFloorSeconds);
  let prompt: { text: string; path: string; version: string };
  try {
    prompt = await deps.prompts.buildDiscoveryPrompt({
      projectName: project.name,
      repoRoot: repoPath,
      outputDir: DISCOVERY_OUTPUT_DIR,
    });
  } catch (error) {
    const reason = `cannot build the discovery prompt: ${errorMessage(error)}`;
    await record('setup_discovery_warning', `Discovery failed: ${reason}`, { ...base, reason });
    return report('warning', engine.id, model, reason);
  }
  await record(
    'setup_discovery_started',
    `Running discovery with ${engine.displayName}${model ? ` (${model})` : ''}.`,
    {
      ...base,
      prompt: prompt.path,
      prompt_version: prompt.version,
      timeout_seconds: timeoutSeconds,
      configured_timeout_seconds: configured,
    },
  );
  let result: EngineResult;
  try {
    result = await engine.execute({
      prompt: prompt.text,
      model,
      workingDir: repoPath,
      // Discovery writes its notes and adapts scripts/ci inside the repository, nowhere else.
      sandbox: 'workspace-write',
      timeoutMs: timeoutSeconds * 1000,
      stallTimeoutMs: deps.config.engineStallTimeoutSeconds * 1000,
      logPath: input.logPath,
      signal: input.signal,
    });
  } catch (error) {
    if (input.signal?.aborted) throw input.signal.reason;
    const reason = errorMessage(error);
    await record('setup_discovery_warning', `Discovery failed: ${reason}`, { ...base, reason });
    return report('warning', engine.id, model, reason);
  }
  if (input.signal?.aborted) throw input.signal.reason;
  if (result.usage) {
    deps.telemetry.observeTokens({
      phase: 'discovery',
      model: result.model ?? model,
      engine: engine.id,
      input: result.usage.input_tokens,
      output: result.usage.output_tokens,
      cached: result.usage.cached_input_tokens,
      costUsd: result.cost_usd,
    });
  }
  if (result.outcome === 'succeeded') {
    const notes = discoveryNotesIn(repoPath);
    await record('setup_discovery_completed', 'Discovery completed.', { ...base, ...resultMetadata(result), notes });
    return report('completed', engine.id, model, null);
  }
  const reason = result.reason ?? result.outcome;
  await record('setup_discovery_warning', `Discovery did not complete (${result.outcome}): ${reason}`, {
    ...base,
    ...resultMetadata(result),
  });
  return report('warning', engine.id, model, reason);
}

/**
 * Discovery on its own (`project_discovery_job`, the original's codex_ci_bootstrap): the same pass
 * as onboarding's, in the project's recorded checkout, its events at project level (no run). It
 * succeeds when the notes are there afterwards: written now, or already present.
 */
export async function runStandaloneDiscovery(
  deps: OnboardingServiceDeps,
  input: DiscoveryJobInput,
): Promise<DiscoveryJobResult> {
  // The job may have been queued a while ago: work on the current row.
  const project = await deps.projects.get(input.project.id);
  const record: DiscoveryRecorder = async (eventType, message, metadata) => {
    await deps.telemetry.recordEvent({
      project_id: project.id,
      protocol_run_id: null,
      event_type: eventType,
      message,
      metadata,
      ...(input.jobId ? { job_id: input.jobId } : {}),
    });
  };
  const path = project.local_path;
  if (!path || !existsSync(path)) {
    const reason = path
      ? `the project's checkout ${path} does not exist`
      : `project ${project.id} has no local checkout yet: onboard it first`;
    const engineId = input.engineId ?? null;
    await record('setup_discovery_skipped', `Discovery skipped: ${reason}.`, { path, engine_id: engineId, reason });
    return { status: 'skipped', engine_id: engineId, model: null, reason, notes: [], path, succeeded: false };
  }
  const report = await runDiscovery(deps, {
    project,
    repoPath: path,
    logPath: input.logPath,
    record,
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.engineId ? { engineId: input.engineId } : {}),
  });
  return { ...report, path, succeeded: report.status === 'completed' || report.status === 'exists' };
}
