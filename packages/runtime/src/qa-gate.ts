import { existsSync, statSync } from 'node:fs';
import { mkdir, realpath } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isStepFilename, newId, ValidationError, type Project } from '@tasksgodzilla/core';
import { resolveInside } from '@tasksgodzilla/platform-git';
import type { QaResult } from '@tasksgodzilla/services-quality';
import type { Runtime } from './runtime.types.js';

/** `tgz qa`: QA of one step file of a protocol folder in a checkout, outside any run. */
export interface QaGateInput {
  /** The checkout the checks run in (absolute). */
  repoPath: string;
  /** The protocol folder (absolute), e.g. `<repo>/.protocols/0001-task`. */
  protocolDir: string;
  /** The step file: its name in the protocol folder (`01-api.md`), or a path to it. */
  stepFile: string;
  /** The QA engine (default: the project's, else the configured default). */
  engineId?: string;
  signal?: AbortSignal;
}

export interface QaGateResult extends QaResult {
  project_id: number;
  protocol_run_id: number;
  step_run_id: number;
  step_file: string;
}

function bad(field: string, message: string): never {
  throw new ValidationError(`${field}: ${message}`, [{ path: [field], message }]);
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** The project whose local path is `repoPath`, created (without onboarding) when there is none. */
async function projectFor(runtime: Runtime, repoPath: string): Promise<Project> {
  let cursor: string | null | undefined;
  do {
    const page = await runtime.storage.projects.list({ limit: 100, ...(cursor ? { cursor } : {}) });
    const found = page.items.find((p) => p.local_path === repoPath);
    if (found) return found;
    cursor = page.next_cursor;
  } while (cursor);
  return runtime.storage.projects.create({ name: basename(repoPath), git_url: repoPath, local_path: repoPath });
}

/**
 * The QA gate of a CI job (the original's quality_orchestrator.py): runs the step's checks and the QA
 * engine on the checkout through QualityService, which writes the report under
 * `<protocolDir>/quality/`. The project, run and step are recorded (found again by path and name) so
 * the result is visible like any other QA; no status changes and no job is queued.
 */
export async function runQaGate(runtime: Runtime, input: QaGateInput): Promise<QaGateResult> {
  if (!isDirectory(input.repoPath)) bad('repo', `${input.repoPath} is not a directory`);
  if (!isDirectory(input.protocolDir)) bad('protocol', `${input.protocolDir} is not a directory`);
  const repoPath = await realpath(input.repoPath);
  const protocolDir = await realpath(input.protocolDir);
  const stepName = basename(input.stepFile);
  if (!isStepFilename(stepName)) bad('step', `${stepName} is not a step file name (NN-name.md)`);
  const stepPath = resolveInside(protocolDir, stepName);
  if (!existsSync(stepPath)) bad('step', `${stepName} does not exist in ${protocolDir}`);
  if (input.engineId !== undefined && !runtime.engines.ids().includes(input.engineId))
    bad('engine', `unknown engine ${input.engineId} (known: ${runtime.engines.ids().join(', ')})`);

  const { storage } = runtime;
  const project = await projectFor(runtime, repoPath);
  const protocolName = basename(protocolDir);
  const run =
    (await storage.protocolRuns.findByName(project.id, protocolName)) ??
    (await storage.protocolRuns.create({
      project_id: project.id,
      protocol_name: protocolName,
      base_branch: project.base_branch,
      worktree_path: repoPath,
      protocol_root: protocolDir,
      description: 'QA gate (tgz qa)',
    }));
  const steps = await storage.stepRuns.listByRun(run.id);
  let step =
    steps.find((s) => s.step_name === stepName) ??
    (await storage.stepRuns.create({
      protocol_run_id: run.id,
      step_index: Number.parseInt(stepName.slice(0, 2), 10),
      step_name: stepName,
      step_type: 'work',
    }));
  if (input.engineId !== undefined && step.engine_id !== input.engineId)
    step = await storage.stepRuns.update(step.id, { engine_id: input.engineId });

  const logDir = join(runtime.config.runsDir, 'qa-gate');
  await mkdir(logDir, { recursive: true });
  const result = await runtime.services.quality.runQa({
    project,
    run,
    step,
    spec: null,
    stepSpec: null,
    worktreePath: repoPath,
    protocolRoot: protocolDir,
    logPath: join(logDir, `${run.id}-${step.id}-${newId()}.log`),
    ...(input.signal ? { signal: input.signal } : {}),
  });
  return { ...result, project_id: project.id, protocol_run_id: run.id, step_run_id: step.id, step_file: stepName };
}
