import { isAppError, type StepRun } from '@tasksgodzilla/core';
import { git, postgresAvailable } from '@tasksgodzilla/testing';
import { createHarness, type Harness } from './harness.js';

// Issue 10 must-fix 3 under races: 50 clients acting on one run at once (PostgreSQL, a worker
// running meanwhile, job cancels through the queue) leave legal states only, at most one running
// step, nothing stuck, and no commit without a recorded outcome (none twice for one attempt).

const CLIENTS = 50;
const WAVES = 6;

describe('concurrent actions on one run (PostgreSQL)', () => {
  let h: Harness | null = null;
  let available = true;
  beforeAll(async () => {
    available = await postgresAvailable();
  });
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  it(`${CLIENTS} racing clients × ${WAVES} waves: no stuck step, no commit without a recorded attempt, the run completes`, async () => {
    if (!available) return;
    const harness = (h = await createHarness({ dialect: 'postgres' }));
    const { run } = await harness.planned({ auto_advance: false });
    const o = harness.orchestrator;
    const steps = (): Promise<StepRun[]> => harness.storage.stepRuns.listByRun(run.id);
    const unexpected: unknown[] = [];
    const act = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (error) {
        // Refusals and lost compare-and-swap races are answers (409/404); anything else is a bug.
        if (!(isAppError(error) && (error.category === 'conflict' || error.category === 'not_found')))
          unexpected.push(error);
      }
    };
    const cancelSomeJob = async () => {
      const live = (await harness.storage.jobRuns.list({ protocol_run_id: run.id, status: 'queued' }, { limit: 10 }))
        .items;
      const job = live[0];
      if (!job) return;
      const cancelled = await harness.queue.cancel(job.run_id, 'racing client');
      if (cancelled.status === 'cancelled') await o.onJobEnded(cancelled);
    };
    // Every third execution fails and every fourth QA says FAIL, so retries have work to do.
    harness.fakes.execution.behaviour = () =>
      harness.fakes.execution.calls.length % 3 === 0 ? { outcome: 'failed', error: 'boom', commit: null } : {};
    harness.fakes.quality.behaviour = () => (harness.fakes.quality.calls.length % 4 === 0 ? { outcome: 'FAIL' } : {});
    const kinds = [
      'run-next',
      'retry',
      'run-step',
      'run-step',
      'run-qa',
      'cancel',
      'run-next',
      'resume',
      'run-next',
      'retry',
    ] as const;
    for (let wave = 0; wave < WAVES; wave++) {
      const current = await steps();
      const clients = Array.from({ length: CLIENTS }, (_, i) => {
        const step = current[(i + wave) % current.length]!;
        switch (kinds[i % kinds.length]) {
          case 'run-next':
            return act(() => o.runNextStep(run.id));
          case 'retry':
            return act(() => o.retryLatest(run.id));
          case 'run-step':
            return act(() => o.runStep(step.id));
          case 'run-qa': {
            // QA of a step that was executed and waits for it (QA of a pending step would pass it unexecuted).
            const waiting = current.find((s) => s.status === 'needs_qa');
            return waiting ? act(() => o.runStepQa(waiting.id)) : Promise.resolve();
          }
          case 'cancel':
            return act(cancelSomeJob);
          default:
            return act(() => (i === 7 ? o.pauseProtocol(run.id) : o.resumeProtocol(run.id)));
        }
      });
      // The worker runs jobs while the clients race.
      await Promise.all([...clients, harness.drain()]);
      expect((await steps()).filter((s) => s.status === 'running').length).toBeLessThanOrEqual(1);
    }
    await harness.drain();
    harness.fakes.execution.behaviour = () => ({});
    harness.fakes.quality.behaviour = () => ({});
    expect(unexpected).toEqual([]);

    // Nothing is stuck: forward actions end the run completed.
    for (let round = 0; round < 15; round++) {
      const { status } = await harness.storage.protocolRuns.get(run.id);
      if (status === 'completed') break;
      let moved = false;
      const waiting = (await steps()).find((s) => s.status === 'needs_qa');
      const forwards = [
        () => o.resumeProtocol(run.id),
        () => o.retryLatest(run.id),
        () => o.runNextStep(run.id),
        ...(waiting ? [() => o.runStepQa(waiting.id)] : []),
      ];
      for (const forward of forwards) {
        try {
          await forward();
          moved = true;
          break;
        } catch (error) {
          if (!isAppError(error)) throw error;
        }
      }
      if (!moved) {
        // Only when nothing else moves it: approve what waits (a step waiting for QA, say).
        const waiting = (await steps()).find((s) => s.status !== 'completed' && s.status !== 'cancelled');
        expect(waiting).toBeDefined();
        await o.approveStep(waiting!.id);
      }
      await harness.drain();
    }
    expect((await harness.storage.protocolRuns.get(run.id)).status).toBe('completed');
    // Every commit of a step is an attempt whose outcome was recorded (no discarded attempt left a commit,
    // no attempt committed twice): commits per step = its recorded executions that committed.
    const subjects = git(harness.repo.path, ['log', '--format=%s', '0001-demo']).split('\n');
    const events = (await harness.snapshot(run.id)).events;
    for (const step of await steps()) {
      const recorded = events.filter(
        (e) =>
          e.event_type === 'step_completed' && e.step_run_id === step.id && typeof e.metadata?.commit_sha === 'string',
      ).length;
      expect([step.step_name, subjects.filter((s) => s === `0001-demo: ${step.step_name}`).length]).toEqual([
        step.step_name,
        recorded,
      ]);
    }
    expect(harness.fakes.execution.calls.length).toBeGreaterThan(2);
  }, 300_000);
});
