import {
  ConflictError,
  NotFoundError,
  type Project,
  type ProtocolRun,
  type ProtocolStatus,
  type StepRun,
  type StepStatus,
} from '@tasksgodzilla/core';
import type { Repositories } from '@tasksgodzilla/platform-storage';
import type { StepRunPatch } from '@tasksgodzilla/platform-storage';
import type { StepChange } from '../policies.js';

// Small state helpers shared by the lifecycle modules and the job handlers. Every status write is
// a repository transition (compare-and-swap + transition table).

export const TERMINAL_RUN: readonly ProtocolStatus[] = ['completed', 'cancelled', 'failed'];

export function isTerminalRun(run: Pick<ProtocolRun, 'status'>): boolean {
  return TERMINAL_RUN.includes(run.status);
}

/** Refuses (409 `protocol_terminal`) a change to a run that has ended. */
export function assertRunNotTerminal(run: Pick<ProtocolRun, 'status'>): void {
  if (isTerminalRun(run))
    throw new ConflictError('Protocol already terminal', {
      code: 'protocol_terminal',
      details: { status: run.status },
    });
}

export async function getProject(repos: Pick<Repositories, 'projects'>, id: number): Promise<Project> {
  const project = await repos.projects.find(id);
  if (!project) throw new NotFoundError(`Project ${id} not found`, { details: { project_id: id } });
  return project;
}

export async function getRun(repos: Pick<Repositories, 'protocolRuns'>, id: number): Promise<ProtocolRun> {
  const run = await repos.protocolRuns.find(id);
  if (!run) throw new NotFoundError('Protocol run not found', { details: { protocol_run_id: id } });
  return run;
}

export async function getStep(repos: Pick<Repositories, 'stepRuns'>, id: number): Promise<StepRun> {
  const step = await repos.stepRuns.find(id);
  if (!step) throw new NotFoundError('Step not found', { details: { step_run_id: id } });
  return step;
}

/** The run, moved to `running` unless it is already. */
export async function ensureRunRunning(
  repos: Pick<Repositories, 'protocolRuns'>,
  run: ProtocolRun,
): Promise<ProtocolRun> {
  if (run.status === 'running') return run;
  return repos.protocolRuns.transition(run.id, { from: run.status, to: 'running' });
}

/** Moves a step to `to` from its current status, or only patches it when it is there already. */
export async function moveStep(
  repos: Pick<Repositories, 'stepRuns'>,
  step: StepRun,
  to: StepStatus,
  patch: StepRunPatch = {},
): Promise<StepRun> {
  if (step.status === to) return Object.keys(patch).length > 0 ? repos.stepRuns.update(step.id, patch) : step;
  return repos.stepRuns.transition(step.id, { from: step.status, to }, patch);
}

/** Applies policy step changes; `from === to` only rewrites summary and runtime_state. */
export async function applyStepChanges(
  repos: Pick<Repositories, 'stepRuns'>,
  changes: readonly StepChange[],
): Promise<void> {
  for (const change of changes) {
    const patch: StepRunPatch = {
      summary: change.summary,
      ...(change.runtime_state ? { runtime_state: change.runtime_state } : {}),
    };
    if (change.from === change.to) await repos.stepRuns.update(change.step_run_id, patch);
    else await repos.stepRuns.transition(change.step_run_id, { from: change.from, to: change.to }, patch);
  }
}

/** A step other than `exceptId` that is `running`, `needs_qa` or `needs_input`, if any. */
export function stepInFlight(
  steps: readonly StepRun[],
  exceptId?: number,
  statuses: readonly StepStatus[] = ['running', 'needs_qa', 'needs_input'],
): StepRun | null {
  return steps.find((s) => s.id !== exceptId && statuses.includes(s.status)) ?? null;
}
