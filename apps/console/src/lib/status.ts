import type { ProtocolRunOut, StepRunOut } from '@tasksgodzilla/client';

export type ProtocolStatus = ProtocolRunOut['status'];
export type StepStatus = StepRunOut['status'];

const TERMINAL: readonly ProtocolStatus[] = ['completed', 'cancelled', 'failed'];
/** Run statuses in which steps may be started (the orchestrator refuses the others). */
const ACCEPTS_STEPS: readonly ProtocolStatus[] = ['planned', 'running', 'blocked'];

export function isTerminal(status: ProtocolStatus): boolean {
  return TERMINAL.includes(status);
}

export type RunAction =
  | 'start'
  | 'pause'
  | 'resume'
  | 'cancel'
  | 'runNext'
  | 'retry'
  | 'qaLatest'
  | 'approveLatest'
  | 'openPr';

/**
 * Which run actions make sense now, from the run's current status (always the freshly loaded run,
 * so buttons never go stale) and its steps. Mirrors the orchestrator's own checks.
 */
export function runActions(
  run: Pick<ProtocolRunOut, 'status' | 'branch_name'>,
  steps: readonly StepRunOut[],
): Record<RunAction, boolean> {
  const { status } = run;
  const terminal = isTerminal(status);
  const acceptsSteps = ACCEPTS_STEPS.includes(status);
  const latest = latestStep(steps);
  const latestOpen =
    latest !== undefined &&
    latest.status !== 'completed' &&
    latest.status !== 'cancelled' &&
    latest.status !== 'running';
  return {
    start: status === 'pending',
    pause: !terminal && status !== 'paused',
    resume: status === 'paused',
    cancel: !terminal,
    runNext: acceptsSteps,
    retry: acceptsSteps,
    qaLatest: !terminal && status !== 'paused' && latestOpen,
    approveLatest: !terminal && latestOpen,
    openPr: Boolean(run.branch_name) && status !== 'cancelled',
  };
}

export type StepAction = 'run' | 'runQa' | 'approve';

/** Which actions one step row offers. */
export function stepActions(runStatus: ProtocolStatus, step: Pick<StepRunOut, 'status'>): Record<StepAction, boolean> {
  const open = step.status !== 'completed' && step.status !== 'cancelled' && step.status !== 'running';
  return {
    run: ACCEPTS_STEPS.includes(runStatus) && ['pending', 'blocked', 'failed'].includes(step.status),
    runQa: !isTerminal(runStatus) && open,
    approve: !isTerminal(runStatus) && open,
  };
}

/**
 * "Latest" step: the most recently updated one (ties: the higher index) — the step a person just
 * watched run. The original took the highest step_index, which is often a step not started yet.
 */
export function latestStep(steps: readonly StepRunOut[]): StepRunOut | undefined {
  let latest: StepRunOut | undefined;
  for (const step of steps) {
    if (
      !latest ||
      step.updated_at > latest.updated_at ||
      (step.updated_at === latest.updated_at && step.step_index > latest.step_index)
    )
      latest = step;
  }
  return latest;
}

/** A step whose log is still being written. */
export function isStepActive(status: StepStatus): boolean {
  return status === 'running' || status === 'needs_qa';
}

/** CSS modifier of a status pill. */
export function statusTone(status: string): 'ok' | 'busy' | 'warn' | 'bad' | 'idle' {
  switch (status) {
    case 'completed':
    case 'succeeded':
    case 'valid':
    case 'ok':
      return 'ok';
    case 'running':
    case 'planning':
    case 'needs_qa':
    case 'queued':
      return 'busy';
    case 'paused':
    case 'blocked':
    case 'warning':
    case 'skipped':
      return 'warn';
    case 'failed':
    case 'cancelled':
    case 'invalid':
    case 'degraded':
      return 'bad';
    default:
      return 'idle';
  }
}
