import { run, step } from '@tasksgodzilla/testing/client-fixtures';
import { isStepActive, isTerminal, latestStep, runActions, stepActions, statusTone } from './status.js';

describe('runActions', () => {
  it('offers start only on a pending run (created pending, so "Create & start" works)', () => {
    expect(runActions(run({ status: 'pending' }), []).start).toBe(true);
    for (const status of ['planning', 'planned', 'running', 'paused', 'completed'] as const)
      expect(runActions(run({ status }), []).start).toBe(false);
  });

  it('pauses any live run, resumes a paused one, cancels anything not terminal', () => {
    const running = runActions(run({ status: 'running' }), []);
    expect([running.pause, running.resume, running.cancel]).toEqual([true, false, true]);
    const paused = runActions(run({ status: 'paused' }), []);
    expect([paused.pause, paused.resume, paused.cancel, paused.runNext]).toEqual([false, true, true, false]);
    for (const status of ['completed', 'cancelled', 'failed'] as const) {
      const actions = runActions(run({ status }), [step({ status: 'failed' })]);
      expect(Object.entries(actions).filter(([name, on]) => on && name !== 'openPr')).toEqual([]);
    }
  });

  it('runs steps only on planned, running or blocked runs', () => {
    for (const status of ['planned', 'running', 'blocked'] as const)
      expect(runActions(run({ status }), []).runNext).toBe(true);
    for (const status of ['pending', 'planning', 'paused'] as const)
      expect(runActions(run({ status }), []).retry).toBe(false);
  });

  it('QA and approve target the latest step (most recently updated) while it is open', () => {
    const later = '2026-11-27T17:00:09.000Z';
    const steps = [
      step({ id: 1, step_index: 0, status: 'completed' }),
      step({ id: 2, step_index: 1, status: 'needs_qa', updated_at: later }),
      step({ id: 3, step_index: 2 }),
    ];
    expect(runActions(run({ status: 'running' }), steps)).toMatchObject({ qaLatest: true, approveLatest: true });
    const done = [
      step({ id: 1, step_index: 0, status: 'completed', updated_at: later }),
      step({ id: 2, step_index: 1, status: 'pending' }),
    ];
    expect(runActions(run({ status: 'running' }), done)).toMatchObject({ qaLatest: false, approveLatest: false });
    expect(runActions(run({ status: 'running' }), [])).toMatchObject({ qaLatest: false, approveLatest: false });
  });

  it('opens a PR once the run has a branch, unless cancelled', () => {
    expect(runActions(run({ status: 'running', branch_name: null }), []).openPr).toBe(false);
    expect(runActions(run({ status: 'completed', branch_name: '0001-demo' }), []).openPr).toBe(true);
    expect(runActions(run({ status: 'cancelled', branch_name: '0001-demo' }), []).openPr).toBe(false);
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
    expect(stepActions('cancelled', step({ status: 'failed' }))).toMatchObject({ runQa: false, approve: false });
  });
});

describe('helpers', () => {
  it('knows terminal runs, active steps and the latest step', () => {
    expect(['completed', 'cancelled', 'failed'].every((s) => isTerminal(s as never))).toBe(true);
    expect(isTerminal('paused')).toBe(false);
    expect(isStepActive('running') && isStepActive('needs_qa') && !isStepActive('completed')).toBe(true);
    expect(latestStep([step({ id: 7, step_index: 2 }), step({ id: 8, step_index: 1 })])?.id).toBe(7);
    expect(
      latestStep([
        step({ id: 7, step_index: 2 }),
        step({ id: 8, step_index: 1, updated_at: '2026-11-27T17:00:09.000Z' }),
      ])?.id,
    ).toBe(8);
    expect(latestStep([])).toBeUndefined();
  });

  it('colours statuses by meaning', () => {
    expect([
      statusTone('completed'),
      statusTone('running'),
      statusTone('paused'),
      statusTone('cancelled'),
      statusTone('pending'),
    ]).toEqual(['ok', 'busy', 'warn', 'bad', 'idle']);
  });
});
