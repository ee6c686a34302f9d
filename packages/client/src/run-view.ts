import { eventTypeInfo, isEventOfGroup, type EventGroup, type EventType } from '@tasksgodzilla/core';
import type { EventOut, ProtocolRunOut, StepRunOut } from './client.types.js';

// What the console and the TUI decide the same way about what they show: which actions a run or a
// step offers now, which step "latest" means, how live events merge into a list and how a burst of
// them turns into one reload, and what an event is (label, group, QA verdict). One copy, here.

export type RunStatus = ProtocolRunOut['status'];
export type StepRunStatus = StepRunOut['status'];

const TERMINAL: readonly RunStatus[] = ['completed', 'cancelled', 'failed'];
/** Run statuses in which steps may be started (the orchestrator refuses the others). */
const ACCEPTS_STEPS: readonly RunStatus[] = ['planned', 'running', 'blocked'];

export function isTerminalRun(status: RunStatus): boolean {
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

const isOpenStep = (status: StepRunStatus) => status !== 'completed' && status !== 'cancelled' && status !== 'running';

/**
 * Which run actions make sense now, from the run's current status (always the freshly loaded run,
 * so buttons never go stale) and its steps. Mirrors the orchestrator's own checks.
 */
export function runActions(
  run: Pick<ProtocolRunOut, 'status' | 'branch_name'>,
  steps: readonly Pick<StepRunOut, 'status' | 'updated_at' | 'step_index'>[],
): Record<RunAction, boolean> {
  const { status } = run;
  const terminal = isTerminalRun(status);
  const acceptsSteps = ACCEPTS_STEPS.includes(status);
  const latest = latestStep(steps);
  const latestOpen = latest !== undefined && isOpenStep(latest.status);
  return {
    start: status === 'pending',
    pause: !terminal && status !== 'paused',
    resume: status === 'paused',
    cancel: !terminal,
    runNext: acceptsSteps,
    retry: acceptsSteps,
    qaLatest: !terminal && status !== 'paused' && latestOpen && latest?.status !== 'needs_input',
    approveLatest: !terminal && latestOpen,
    openPr: Boolean(run.branch_name) && status !== 'cancelled',
  };
}

export type StepAction = 'run' | 'runQa' | 'approve' | 'answer';

/** Which actions one step row offers (`answer`: its agent asked a question, see `stepQuestion`). */
export function stepActions(runStatus: RunStatus, step: Pick<StepRunOut, 'status'>): Record<StepAction, boolean> {
  const open = isOpenStep(step.status);
  const waiting = step.status === 'needs_input';
  return {
    run: ACCEPTS_STEPS.includes(runStatus) && ['pending', 'blocked', 'failed'].includes(step.status),
    runQa: !isTerminalRun(runStatus) && open && !waiting,
    approve: !isTerminalRun(runStatus) && open,
    answer: !isTerminalRun(runStatus) && waiting,
  };
}

/**
 * The question a `needs_input` step's agent asked a person (`runtime_state.needs_input.question`),
 * null for any other step. Answer it with `client.answerStep(id, answer)`.
 */
export function stepQuestion(step: Pick<StepRunOut, 'status' | 'runtime_state'>): string | null {
  if (step.status !== 'needs_input') return null;
  const open = step.runtime_state?.needs_input;
  const question =
    typeof open === 'object' && open !== null && !Array.isArray(open)
      ? (open as { question?: unknown }).question
      : null;
  return typeof question === 'string' ? question : null;
}

/**
 * "Latest" step: the most recently updated one (ties: the higher index) — the step a person just
 * watched run, which QA and approve act on when no step is selected.
 */
export function latestStep<T extends Pick<StepRunOut, 'updated_at' | 'step_index'>>(
  steps: readonly T[],
): T | undefined {
  let latest: T | undefined;
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
export function isStepActive(status: StepRunStatus): boolean {
  return status === 'running' || status === 'needs_qa';
}

/** Newest first by id, without duplicates (live events may arrive while a list loads), at most `max`. */
export function mergeEvents(current: readonly EventOut[], incoming: readonly EventOut[], max = 500): EventOut[] {
  const byId = new Map<number, EventOut>();
  for (const event of [...current, ...incoming]) byId.set(event.id, event);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, max);
}

/** A scheduled call that runs once per burst; `cancel()` drops a pending run. */
export interface Coalesced {
  (): void;
  cancel(): void;
}

/**
 * Runs `fn` once for a burst of calls: the first call schedules it after `delayMs`, later calls in
 * that window join it. Events arrive in bursts (a step completing writes several); one reload covers them.
 */
export function coalesce(fn: () => void, delayMs: number): Coalesced {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      fn();
    }, delayMs);
  };
  schedule.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return schedule;
}

/** Whether an event is of one of the given catalogued types. */
export function hasEventType(event: Pick<EventOut, 'event_type'>, ...types: EventType[]): boolean {
  return (types as string[]).includes(event.event_type);
}

/** The catalogue's label of an event's type (its name for a provider webhook event). */
export function eventLabel(event: Pick<EventOut, 'event_type'>): string {
  return eventTypeInfo(event.event_type).label;
}

/** The catalogue's UI group of an event's type. */
export function eventGroup(event: Pick<EventOut, 'event_type'>): EventGroup {
  return eventTypeInfo(event.event_type).group;
}

export const isLoopEvent = (event: Pick<EventOut, 'event_type'>): boolean => isEventOfGroup(event.event_type, 'loop');
export const isTriggerEvent = (event: Pick<EventOut, 'event_type'>): boolean =>
  isEventOfGroup(event.event_type, 'trigger');
/** Loop and trigger policy decisions (shown highlighted). */
export const isPolicyEvent = (event: Pick<EventOut, 'event_type'>): boolean =>
  isLoopEvent(event) || isTriggerEvent(event);
/** Project setup (onboarding) events. */
export const isOnboardingEvent = (event: Pick<EventOut, 'event_type'>): boolean =>
  isEventOfGroup(event.event_type, 'onboarding');

export type QaVerdict = 'pass' | 'fail' | 'error';

const QA_VERDICTS = new Map<string, QaVerdict>([
  ['qa_passed', 'pass'],
  ['qa_passed_inline', 'pass'],
  ['qa_failed', 'fail'],
  ['qa_failed_inline', 'fail'],
  ['qa_error', 'error'],
  ['qa_inline_error', 'error'],
] satisfies [EventType, QaVerdict][]);

/** The QA verdict an event records, or null. */
export function qaVerdict(event: Pick<EventOut, 'event_type'>): QaVerdict | null {
  return QA_VERDICTS.get(event.event_type) ?? null;
}
