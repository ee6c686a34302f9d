import type { ExecuteStepInput } from '@tasksgodzilla/services-execution';
import { git } from '@tasksgodzilla/testing';
import { harnessPerTest, eventTypes, type Harness } from './harness.js';

// Issue 9 §4 and issue 10 must-fix 3: no run or step is left without a way forward, and a step is
// never committed twice (real SQLite, real git, the embedded queue and its worker runner).

const FAIL = {
  outcome: 'FAIL' as const,
  agent: { verdict: 'FAIL' as const, outcome: 'succeeded' as const, engine_id: 'shell', model: null },
};

describe('no stuck runs (SQLite)', () => {
  let h: Harness;
  harnessPerTest((created) => (h = created));

  const stepCommits = (stepName: string) =>
    git(h.repo.path, ['log', '--format=%s', '0001-demo'])
      .split('\n')
      .filter((subject) => subject === `0001-demo: ${stepName}`).length;

  /** Cancels the job executing `input` through the queue and waits until the engine's signal aborts. */
  async function cancelAndAwaitAbort(input: ExecuteStepInput): Promise<void> {
    await h.queue.cancel(input.jobId!, 'cancelled through the api');
    await new Promise<void>((resolve) =>
      input.signal!.aborted ? resolve() : input.signal!.addEventListener('abort', () => resolve(), { once: true }),
    );
  }

  /** Retries the run's latest step: the new attempt executes it again (full QA, no auto-advance: it waits for its QA). */
  async function expectRetriedToQa(runId: number, stepId: number): Promise<void> {
    await h.orchestrator.retryLatest(runId);
    await h.drain();
    expect((await h.storage.stepRuns.get(stepId)).status).toBe('needs_qa');
  }

  it('approving the failed last step of a blocked run completes it', async () => {
    let fails = 1;
    h.fakes.quality.behaviour = (input) => (input.step.step_name === '02-docs.md' && fails-- > 0 ? FAIL : {});
    const { run } = await h.planned({ auto_advance: true });
    let snap = await h.snapshot(run.id);
    expect(snap.run.status).toBe('blocked');
    expect(snap.steps.map((s) => s.status)).toEqual(['completed', 'completed', 'failed']);
    const approved = await h.orchestrator.approveStep(snap.steps[2]!.id);
    expect(approved.run.status).toBe('completed');
    snap = await h.snapshot(run.id);
    expect(snap.run.status).toBe('completed');
    expect((await eventTypes(h, run.id)).slice(-3)).toEqual(['manual_approval', 'unblocked', 'protocol_completed']);
  });

  it('approving a failed middle step unblocks the run and auto-advances to the next step', async () => {
    let fails = 1;
    h.fakes.quality.behaviour = (input) => (input.step.step_name === '01-build.md' && fails-- > 0 ? FAIL : {});
    const { run } = await h.planned({ auto_advance: true });
    const blocked = await h.snapshot(run.id);
    expect(blocked.run.status).toBe('blocked');
    const approved = await h.orchestrator.approveStep(blocked.steps[1]!.id);
    expect(approved.run.status).toBe('running');
    expect(approved.job?.job_type).toBe('execute_step_job');
    await h.drain();
    expect((await h.snapshot(run.id)).run.status).toBe('completed');
  });

  it('resume of a paused run whose steps are all done completes it', async () => {
    const { run, steps } = await h.planned({ auto_advance: false });
    await h.orchestrator.pauseProtocol(run.id);
    for (const step of steps) await h.orchestrator.approveStep(step.id);
    expect((await h.snapshot(run.id)).run.status).toBe('paused');
    const resumed = await h.orchestrator.resumeProtocol(run.id);
    expect(resumed.run.status).toBe('completed');
    expect((await eventTypes(h, run.id)).slice(-2)).toEqual(['resumed', 'protocol_completed']);
  });

  it('resume of a paused run with a failed step goes back to blocked, and a blocked run refuses resume naming the step', async () => {
    h.fakes.quality.behaviour = () => FAIL;
    const { run, steps } = await h.planned({ auto_advance: true });
    expect((await h.snapshot(run.id)).run.status).toBe('blocked');
    await expect(h.orchestrator.resumeProtocol(run.id)).rejects.toMatchObject({
      code: 'protocol_blocked',
      message: expect.stringContaining('00-setup.md is failed'),
    });
    await h.orchestrator.pauseProtocol(run.id);
    expect((await h.orchestrator.resumeProtocol(run.id)).run.status).toBe('blocked');
    h.fakes.quality.behaviour = () => ({});
    await h.orchestrator.retryLatest(run.id);
    await h.drain();
    expect((await h.snapshot(run.id)).steps.map((s) => s.id)).toEqual(steps.map((s) => s.id));
    expect((await h.snapshot(run.id)).run.status).toBe('completed');
  });

  it("cancelling a queued execute job (the queue's cancel, nobody told) leaves no stuck step: run-next fails it over and runs it", async () => {
    const { run } = await h.planned({ auto_advance: false });
    const { job, step } = await h.orchestrator.runNextStep(run.id);
    await h.queue.cancel(job.run_id, 'cancelled through the api');
    expect((await h.storage.stepRuns.get(step.id)).status).toBe('running');
    // Before the fix: 409 "Step 00-setup.md is running" for good.
    const again = await h.orchestrator.runNextStep(run.id);
    expect(again.step).toMatchObject({ id: step.id, status: 'running' });
    const types = await eventTypes(h, run.id);
    expect(types).toContain('step_job_ended');
    await h.drain();
    expect((await h.storage.stepRuns.get(step.id)).status).not.toBe('running');
    expect(stepCommits('00-setup.md')).toBe(1);
  });

  it('onJobEnded on a cancelled queued job fails its step and blocks the run at once; a retried job then changes nothing', async () => {
    const { run } = await h.planned({ auto_advance: false });
    const { job, step } = await h.orchestrator.runNextStep(run.id);
    const cancelled = await h.queue.cancel(job.run_id, 'cancelled through the api');
    await h.orchestrator.onJobEnded(cancelled);
    let snap = await h.snapshot(run.id);
    expect(snap.steps[0]).toMatchObject({ id: step.id, status: 'failed' });
    expect(snap.run.status).toBe('blocked');
    expect(snap.events.find((e) => e.event_type === 'step_job_ended')?.metadata).toMatchObject({
      job_id: job.run_id,
      job_status: 'cancelled',
    });
    await h.queue.retry(job.run_id);
    await h.drain();
    snap = await h.snapshot(run.id);
    expect(snap.steps[0]!.status).toBe('failed');
    expect(h.fakes.execution.calls).toHaveLength(0);
    await expectRetriedToQa(run.id, step.id);
  });

  it('a running job cancelled before its commit: the worker reports it, the step fails over with a way forward and a retried job does not run it again', async () => {
    const { run } = await h.planned({ auto_advance: false });
    h.fakes.execution.behaviour = async (input) => {
      await cancelAndAwaitAbort(input);
      return { outcome: 'interrupted', error: 'cancelled', commit: null };
    };
    const { job, step } = await h.orchestrator.runNextStep(run.id);
    await h.drain();
    expect((await h.queue.get(job.run_id)).status).toBe('cancelled');
    const snap = await h.snapshot(run.id);
    expect(snap.steps[0]).toMatchObject({ id: step.id, status: 'failed' });
    expect(snap.run.status).toBe('blocked');
    h.fakes.execution.behaviour = () => ({});
    await h.queue.retry(job.run_id);
    await h.drain();
    expect(h.fakes.execution.calls).toHaveLength(1);
    await expectRetriedToQa(run.id, step.id);
  });

  it('a cancel that arrives after the commit records the outcome: the step is never committed twice', async () => {
    const { run } = await h.planned({ auto_advance: false });
    h.fakes.execution.behaviour = async (input) => {
      // The engine finished; the cancel lands while the step's work is being committed.
      await cancelAndAwaitAbort(input);
      return {};
    };
    const { job, step } = await h.orchestrator.runNextStep(run.id);
    await h.drain();
    expect(stepCommits('00-setup.md')).toBe(1);
    // The committed work is the step's outcome (not a failure a person would retry, committing again).
    expect((await h.storage.stepRuns.get(step.id)).status).toBe('needs_qa');
    const executed = (await h.events(run.id)).find((e) => e.event_type === 'step_completed');
    expect(executed?.metadata).toMatchObject({ commit_sha: expect.stringMatching(/^[0-9a-f]{40}$/) });
    // Whatever the ledger says about the job, re-running it changes nothing.
    const ledger = await h.queue.get(job.run_id);
    if (ledger.status === 'cancelled' || ledger.status === 'failed') {
      await h.queue.retry(job.run_id);
      await h.drain();
    } else await h.rerun(job.run_id);
    expect(stepCommits('00-setup.md')).toBe(1);
    expect(h.fakes.execution.calls).toHaveLength(1);
  });

  it('createStep: a step added by hand starts pending; another status is a 422 naming status; an ended run is a 409', async () => {
    const projectId = await h.project();
    const run = await h.orchestrator.createProtocolRun(projectId, { protocol_name: '0002-manual' });
    const step = await h.orchestrator.createStep(
      run.id,
      { step_index: 0, step_name: 'a.md', step_type: 'work', status: 'pending' },
      { requestId: 'req-1' },
    );
    expect(step).toMatchObject({ status: 'pending', step_name: 'a.md' });
    expect(await eventTypes(h, run.id)).toContain('step_created');
    for (const status of ['running', 'completed']) {
      await expect(
        h.orchestrator.createStep(run.id, { step_index: 1, step_name: 'b.md', step_type: 'work', status }),
      ).rejects.toMatchObject({ issues: [{ path: ['status'] }] });
    }
    await h.orchestrator.cancelProtocol(run.id);
    await expect(
      h.orchestrator.createStep(run.id, { step_index: 1, step_name: 'b.md', step_type: 'work' }),
    ).rejects.toMatchObject({ code: 'protocol_terminal' });
    expect((await h.storage.stepRuns.listByRun(run.id)).map((s) => s.step_name)).toEqual(['a.md']);
  });

  it('an older job of a step retried by hand while a newer attempt owns the step does not execute it', async () => {
    const { run } = await h.planned({ auto_advance: false });
    const first = await h.orchestrator.runNextStep(run.id);
    await h.orchestrator.onJobEnded(await h.queue.cancel(first.job.run_id, 'cancelled through the api'));
    const second = await h.orchestrator.retryLatest(run.id);
    expect(second.step.runtime_state).toMatchObject({ exec_job_id: second.job.run_id });
    await h.queue.retry(first.job.run_id);
    expect(await h.rerun(first.job.run_id)).toMatchObject({
      result: { skipped: true, reason: `step is running under job ${second.job.run_id}` },
    });
    expect(h.fakes.execution.calls).toHaveLength(0);
    await h.drain();
    expect(h.fakes.execution.calls).toHaveLength(1);
    expect(stepCommits('00-setup.md')).toBe(1);
  });
});
