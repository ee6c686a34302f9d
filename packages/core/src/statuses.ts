import { ConflictError } from './errors.js';

export const PROTOCOL_STATUSES = [
  'pending',
  'planning',
  'planned',
  'running',
  'paused',
  'blocked',
  'failed',
  'cancelled',
  'completed',
] as const;
export type ProtocolStatus = (typeof PROTOCOL_STATUSES)[number];

/** `needs_input`: the agent asked a person a question (`NEEDS_INPUT:`); an answer puts the step back to pending. */
export const STEP_STATUSES = [
  'pending',
  'running',
  'needs_qa',
  'needs_input',
  'completed',
  'failed',
  'cancelled',
  'blocked',
] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** Status of a job in the ledger (the original's codex_runs), from `queued` on. */
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

/**
 * Legal protocol transitions. Terminal runs (completed, cancelled, failed) have no way out, so a job
 * that was queued before a cancel can never resurrect the run.
 */
export const PROTOCOL_TRANSITIONS: TransitionTable<ProtocolStatus> = {
  pending: ['planning', 'planned', 'running', 'paused', 'blocked', 'cancelled', 'failed'],
  planning: ['planned', 'blocked', 'paused', 'cancelled', 'failed'],
  planned: ['planning', 'running', 'paused', 'blocked', 'cancelled', 'completed', 'failed'],
  running: ['paused', 'blocked', 'completed', 'cancelled', 'failed'],
  paused: ['running', 'planning', 'blocked', 'cancelled'],
  blocked: ['running', 'planning', 'paused', 'completed', 'cancelled', 'failed'],
  failed: [],
  cancelled: [],
  completed: [],
};

/**
 * Legal step transitions. `cancelled` is terminal; loop policies may send completed steps back to pending.
 * Only an execution moves a step to `needs_input`; it leaves by an answer (→ pending, re-queued), a
 * manual approval (→ completed) or a cancel.
 */
export const STEP_TRANSITIONS: TransitionTable<StepStatus> = {
  pending: ['running', 'needs_qa', 'completed', 'failed', 'blocked', 'cancelled'],
  running: ['needs_qa', 'needs_input', 'completed', 'failed', 'blocked', 'cancelled', 'pending'],
  needs_input: ['pending', 'completed', 'cancelled'],
  needs_qa: ['running', 'completed', 'failed', 'blocked', 'cancelled', 'pending'],
  failed: ['running', 'pending', 'needs_qa', 'completed', 'blocked', 'cancelled'],
  blocked: ['running', 'pending', 'needs_qa', 'completed', 'failed', 'cancelled'],
  completed: ['pending'],
  cancelled: [],
};

/** Legal job-ledger transitions. A running job goes back to `queued` for a retry or an expired lease. */
export const JOB_TRANSITIONS: TransitionTable<JobStatus> = {
  queued: ['running', 'cancelled', 'failed'],
  running: ['succeeded', 'failed', 'cancelled', 'queued'],
  failed: ['queued'],
  cancelled: ['queued'],
  succeeded: [],
};

export const TERMINAL_PROTOCOL_STATUSES: readonly ProtocolStatus[] = ['completed', 'cancelled', 'failed'];
export const TERMINAL_STEP_STATUSES: readonly StepStatus[] = ['completed', 'cancelled'];
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

export function isLegalTransition<S extends string>(table: TransitionTable<S>, from: S, to: S): boolean {
  return table[from]?.includes(to) ?? false;
}

export function assertTransition<S extends string>(kind: string, table: TransitionTable<S>, from: S, to: S): void {
  if (!isLegalTransition(table, from, to)) {
    throw new ConflictError(`Illegal ${kind} transition ${from} -> ${to}`, {
      code: 'illegal_transition',
      details: { kind, from, to, allowed: table[from] ?? [] },
    });
  }
}

export function isProtocolStatus(value: unknown): value is ProtocolStatus {
  return typeof value === 'string' && (PROTOCOL_STATUSES as readonly string[]).includes(value);
}
export function isStepStatus(value: unknown): value is StepStatus {
  return typeof value === 'string' && (STEP_STATUSES as readonly string[]).includes(value);
}
export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === 'string' && (JOB_STATUSES as readonly string[]).includes(value);
}
export function isTerminalProtocolStatus(status: ProtocolStatus): boolean {
  return TERMINAL_PROTOCOL_STATUSES.includes(status);
}
