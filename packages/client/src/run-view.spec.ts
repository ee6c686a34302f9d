import type { EventOut, StepRunOut } from './client.types.js';
import {
  coalesce,
  eventGroup,
  hasEventType,
  eventLabel,
  isLoopEvent,
  isOnboardingEvent,
  isPolicyEvent,
  isStepActive,
  isTerminalRun,
  isTriggerEvent,
  latestStep,
  mergeEvents,
  qaVerdict,
  runActions,
  stepActions,
  stepQuestion,
  type RunStatus,
} from './run-view.js';

const T0 = '2026-11-27T17:00:00.000Z';
const LATER = '2026-11-27T17:00:09.000Z';
type StepLike = Pick<StepRunOut, 'id' | 'status' | 'updated_at' | 'step_index'> &
  Partial<Pick<StepRunOut, 'runtime_state'>>;
const step = (overrides: Partial<StepLike> = {}): StepLike => ({
  id: 1,
  status: 'pending',
  updated_at: T0,
  step_index: 0,
  ...overrides,
});
const run = (status: RunStatus, branch_name: string | null = null) => ({ status, branch_name });
const event = (id: number, event_type = 'planned'): EventOut =>
  ({ id, event_type, message: `event ${id}`, metadata: null }) as EventOut;

describe('runActions', () => {
  it('offers start only on a pending run', () => {
    expect(runActions(run('pending'), []).start).toBe(true);
    for (const status of ['planning', 'planned', 'running', 'paused', 'completed'] as const)
      expect(runActions(run(status), []).start).toBe(false);
  });

  it('pauses any live run, resumes a paused one, cancels anything not terminal', () => {
    const running = runActions(run('running'), []);
    expect([running.pause, running.resume, running.cancel]).toEqual([true, false, true]);
    const paused = runActions(run('paused'), []);
    expect([paused.pause, paused.resume, paused.cancel, paused.runNext]).toEqual([false, true, true, false]);
    for (const status of ['completed', 'cancelled', 'failed'] as const) {
      const actions = runActions(run(status), [step({ status: 'failed' })]);
      expect(Object.entries(actions).filter(([name, on]) => on && name !== 'openPr')).toEqual([]);
    }
  });

  it('runs steps only on planned, running or blocked runs', () => {
    for (const status of ['planned', 'running', 'blocked'] as const)
      expect(runActions(run(status), []).runNext).toBe(true);
    for (const status of ['pending', 'planning', 'paused'] as const)
      expect(runActions(run(status), []).retry).toBe(false);
  });

  it('QA and approve target the latest step (most recently updated) while it is open', () => {
    const steps = [
      step({ id: 1, step_index: 0, status: 'completed' }),
      step({ id: 2, step_index: 1, status: 'needs_qa', updated_at: LATER }),
      step({ id: 3, step_index: 2 }),
    ];
    expect(runActions(run('running'), steps)).toMatchObject({ qaLatest: true, approveLatest: true });
    const done = [
      step({ id: 1, step_index: 0, status: 'completed', updated_at: LATER }),
      step({ id: 2, step_index: 1, status: 'pending' }),
    ];
    expect(runActions(run('running'), done)).toMatchObject({ qaLatest: false, approveLatest: false });
    expect(runActions(run('running'), [])).toMatchObject({ qaLatest: false, approveLatest: false });
  });

  it('opens a PR once the run has a branch, unless cancelled', () => {
    expect(runActions(run('running'), []).openPr).toBe(false);
    expect(runActions(run('completed', '0001-demo'), []).openPr).toBe(true);
    expect(runActions(run('cancelled', '0001-demo'), []).openPr).toBe(false);
  });
});

describe('stepActions', () => {
  it('runs pending, failed or blocked steps of a run that accepts steps', () => {
    expect(stepActions('running', step({ status: 'failed' })).run).toBe(true);
    expect(stepActions('running', step({ status: 'completed' })).run).toBe(false);
    expect(stepActions('paused', step({ status: 'pending' })).run).toBe(false);
  });

  it('QA and approve any open step that is not running, on a live run', () => {
    expect(stepActions('running', step({ status: 'needs_qa' }))).toMatchObject({ runQa: true, approve: true });
    expect(stepActions('running', step({ status: 'running' }))).toMatchObject({ runQa: false, approve: false });
    expect(stepActions('running', step({ status: 'needs_input' }))).toMatchObject({
      run: false,
      runQa: false,
      approve: true,
      answer: true,
    });
    expect(stepActions('running', step({ status: 'pending' })).answer).toBe(false);
    expect(stepActions('cancelled', step({ status: 'needs_input' })).answer).toBe(false);
    expect(stepActions('cancelled', step({ status: 'failed' }))).toMatchObject({ runQa: false, approve: false });
  });
});

describe('steps', () => {
  it('knows terminal runs, active steps and the latest step (ties: the higher index)', () => {
    expect(['completed', 'cancelled', 'failed'].every((s) => isTerminalRun(s as RunStatus))).toBe(true);
    expect(isTerminalRun('paused')).toBe(false);
    expect(isStepActive('running') && isStepActive('needs_qa') && !isStepActive('completed')).toBe(true);
    expect(latestStep([step({ id: 7, step_index: 2 }), step({ id: 8, step_index: 1 })])?.id).toBe(7);
    expect(latestStep([step({ id: 7, step_index: 2 }), step({ id: 8, step_index: 1, updated_at: LATER })])?.id).toBe(8);
    expect(latestStep([])).toBeUndefined();
  });
});

describe('events', () => {
  it('merges live events into a list newest first, without duplicates, bounded', () => {
    const again = { ...event(3), message: 'again' };
    expect(mergeEvents([event(3), event(1)], [event(2), again], 10).map((e) => e.id)).toEqual([3, 2, 1]);
    expect(mergeEvents([event(3), event(1)], [again])[0]?.message).toBe('again');
    expect(mergeEvents([event(1), event(2)], [event(3)], 2).map((e) => e.id)).toEqual([3, 2]);
  });

  it('labels and groups events from the core catalogue', () => {
    expect(eventLabel(event(1, 'qa_passed'))).toBe('QA passed');
    expect(eventLabel(event(1, 'Pipeline Hook'))).toBe('Pipeline Hook');
    expect(eventGroup(event(1, 'step_started'))).toBe('step');
    expect([isLoopEvent(event(1, 'loop_decision')), isTriggerEvent(event(1, 'loop_decision'))]).toEqual([true, false]);
    expect(isTriggerEvent(event(1, 'trigger_enqueued')) && isPolicyEvent(event(1, 'trigger_enqueued'))).toBe(true);
    expect(isPolicyEvent(event(1, 'qa_passed'))).toBe(false);
    expect([
      hasEventType(event(1, 'spec_audit'), 'spec_audit'),
      hasEventType(event(1, 'planned'), 'qa_error', 'spec_audit'),
    ]).toEqual([true, false]);
    expect([isOnboardingEvent(event(1, 'setup_cloned')), isOnboardingEvent(event(1, 'planned'))]).toEqual([
      true,
      false,
    ]);
  });

  it('reads the QA verdict of an event', () => {
    expect(
      ['qa_passed', 'qa_passed_inline', 'qa_failed_inline', 'qa_inline_error', 'qa_enqueued', 'toString'].map((t) =>
        qaVerdict(event(1, t)),
      ),
    ).toEqual(['pass', 'pass', 'fail', 'error', null, null]);
  });
});

describe('coalesce', () => {
  it('runs once per burst of calls', async () => {
    let calls = 0;
    let done: () => void = () => undefined;
    const ran = new Promise<void>((resolve) => (done = resolve));
    const scheduled = coalesce(() => {
      calls++;
      done();
    }, 5);
    scheduled();
    scheduled();
    scheduled();
    expect(calls).toBe(0);
    await ran;
    expect(calls).toBe(1);
  });

  it('can be cancelled; a later burst still runs, and only it', async () => {
    let calls = 0;
    const scheduled = coalesce(() => calls++, 5);
    scheduled();
    scheduled.cancel();
    await new Promise<void>((resolve) => coalesce(resolve, 20)());
    expect(calls).toBe(0);
    let again = 0;
    await new Promise<void>((resolve) => {
      const next = coalesce(() => {
        again++;
        resolve();
      }, 5);
      next();
      next.cancel();
      next();
    });
    expect(again).toBe(1);
  });
});

describe('stepQuestion', () => {
  it("reads a needs_input step's question from its runtime state, null otherwise", () => {
    const asking = { status: 'needs_input' as const, runtime_state: { needs_input: { question: 'Which port?' } } };
    expect(stepQuestion(asking)).toBe('Which port?');
    expect(stepQuestion({ ...asking, status: 'pending' })).toBeNull();
    expect(stepQuestion({ status: 'needs_input', runtime_state: null })).toBeNull();
    expect(stepQuestion({ status: 'needs_input', runtime_state: { needs_input: 'odd' } })).toBeNull();
  });
});
