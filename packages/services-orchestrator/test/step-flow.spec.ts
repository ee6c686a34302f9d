import { BudgetExceededError } from '@tasksgodzilla/core';
import { demoSpec } from '@tasksgodzilla/service-testing';
import { git } from '@tasksgodzilla/testing';
import { eventTypes, harnessPerTest, type Harness } from './harness.js';

describe.each(['sqlite', 'postgres'] as const)('step lifecycle (fake execution and QA) on %s', (dialect) => {
  let h: Harness;
  // PostgreSQL cases are skipped (with a printed warning) only when the server is unreachable outside CI.
  const { it, reopen } = harnessPerTest((created) => (h = created), { dialect });

  it('auto-advances plan → execute → QA for every step and completes the run', async () => {
    const { run } = await h.planned({ auto_advance: true });
    const final = await h.snapshot(run.id);
    expect(final.run.status).toBe('completed');
    expect(final.steps.map((s) => s.status)).toEqual(['completed', 'completed', 'completed']);
    const types = await eventTypes(h, run.id);
    expect(types.filter((t) => t === 'step_completed')).toHaveLength(3);
    expect(types.filter((t) => t === 'qa_passed')).toHaveLength(3);
    expect(types.at(-1)).toBe('protocol_completed');
    // One commit per step after the plan commit, pushed to origin at the end.
    const subjects = git(h.repo.originPath, ['log', '--format=%s', '0001-demo']).split('\n');
    expect(subjects.slice(0, 4)).toEqual([
      '0001-demo: 02-docs.md',
      '0001-demo: 01-build.md',
      '0001-demo: 00-setup.md',
      '0001-demo: plan',
    ]);
    const usage = await h.orchestrator.usage(run.id);
    expect(usage.totals.tokens).toBe(45);
    expect(usage.by_phase.find((p) => p.phase === 'exec')).toMatchObject({ tokens: 45, jobs: 3 });
    expect(usage.by_step).toHaveLength(3);
    expect(usage.by_model.find((m) => m.phase === 'exec')).toMatchObject({ engine_id: 'shell', tokens: 45 });
  });

  it('QA FAIL without a loop fails the step and blocks the run; retry_latest runs it again', async () => {
    let fails = 1;
    h.fakes.quality.behaviour = (input) =>
      input.step.step_name === '01-build.md' && fails-- > 0
        ? { outcome: 'FAIL', agent: { verdict: 'FAIL', outcome: 'succeeded', engine_id: 'shell', model: null } }
        : {};
    const { run } = await h.planned({ auto_advance: true });
    let snap = await h.snapshot(run.id);
    expect(snap.run.status).toBe('blocked');
    expect(snap.steps.map((s) => s.status)).toEqual(['completed', 'failed', 'pending']);
    expect(await eventTypes(h, run.id)).toContain('qa_failed');
    const retry = await h.orchestrator.retryLatest(run.id);
    expect(retry.step).toMatchObject({ step_name: '01-build.md', retries: 1, status: 'running' });
    expect(retry.run.status).toBe('running');
    await h.drain();
    snap = await h.snapshot(run.id);
    expect(snap.run.status).toBe('completed');
    expect(snap.events.find((e) => e.event_type === 'step_retry_enqueued')?.metadata).toMatchObject({ retries: 1 });
  });

  it('QA FAIL with a loop policy steps back and enqueues the loop target; a trigger enqueues its target', async () => {
    let docsFails = 1;
    h.fakes.quality.behaviour = (input) =>
      input.step.step_name === '02-docs.md' && docsFails-- > 0 ? { outcome: 'FAIL' } : {};
    const { run } = await h.planned({
      auto_advance: false,
      template_config: {
        protocol_spec: demoSpec({
          '00-setup.md': { qa: 'skip' },
          '01-build.md': {
            policies: [{ behavior: 'trigger', module_id: 'to-docs', trigger_agent_id: 'docs', condition: 'qa_passed' }],
          },
          '02-docs.md': {
            policies: [
              { behavior: 'loop', module_id: 'retry-docs', step_back: 1, max_iterations: 2, condition: 'qa_failed' },
            ],
          },
        }),
      },
    });
    await h.orchestrator.runNextStep(run.id);
    await h.drain();
    // 00 (QA skip) completed; without auto-advance nothing else ran.
    expect((await h.snapshot(run.id)).steps.map((s) => s.status)).toEqual(['completed', 'pending', 'pending']);
    const build = await h.orchestrator.runNextStep(run.id);
    expect(build.step.step_name).toBe('01-build.md');
    // 01 needs QA (full, no auto-advance): run it by hand.
    await h.drain();
    await h.orchestrator.runStepQa(build.step.id);
    await h.drain();
    // 01 passed → trigger → 02 enqueued and ran; it waits for QA (no auto-advance).
    let snap = await h.snapshot(run.id);
    expect(snap.events.map((e) => e.event_type)).toEqual(
      expect.arrayContaining(['trigger_decision', 'trigger_enqueued']),
    );
    expect(snap.events.find((e) => e.event_type === 'trigger_enqueued')?.metadata).toMatchObject({
      target_step_id: snap.steps[2]!.id,
      source: 'qa_passed',
      inline_depth: 1,
    });
    expect(snap.steps.map((s) => s.status)).toEqual(['completed', 'completed', 'needs_qa']);
    // 02 fails QA → loop back one step: 01 and 02 pending again, 01 enqueued at once.
    await h.orchestrator.runStepQa(snap.steps[2]!.id);
    await h.drain();
    snap = await h.snapshot(run.id);
    const loop = snap.events.find((e) => e.event_type === 'loop_decision')!;
    expect(loop.metadata).toMatchObject({
      target_step_index: 1,
      iterations: 1,
      max_iterations: 2,
      reason: 'qa_failed',
    });
    expect(
      snap.events.find((e) => e.event_type === 'step_enqueued' && e.metadata?.source === 'loop_decision'),
    ).toBeDefined();
    expect(snap.run.status).toBe('running');
    expect(snap.steps.map((s) => s.status)).toEqual(['completed', 'needs_qa', 'pending']);
    expect(snap.steps[2]!.runtime_state).toMatchObject({ loop_counts: { 'retry-docs': 1 } });
    // QA of 01 again → trigger → 02 runs again → its QA passes → completed.
    await h.orchestrator.runStepQa(snap.steps[1]!.id);
    await h.drain();
    await h.orchestrator.runStepQa(snap.steps[2]!.id);
    await h.drain();
    expect((await h.storage.protocolRuns.get(run.id)).status).toBe('completed');
  });

  it('an execution failure with an exec_failed loop keeps the run running and enqueues the target (defect 11)', async () => {
    let failures = 1;
    h.fakes.execution.behaviour = (input) =>
      input.step.step_name === '01-build.md' && failures-- > 0
        ? { outcome: 'failed', error: 'block 1 exited with 1', commit: null }
        : {};
    const { run } = await h.planned({
      auto_advance: true,
      template_config: {
        protocol_spec: demoSpec({
          '01-build.md': {
            qa: 'skip',
            policies: [{ behavior: 'loop', module_id: 'again', step_back: 1, condition: 'exec_failed' }],
          },
        }),
      },
    });
    const snap = await h.snapshot(run.id);
    expect(snap.run.status).toBe('completed');
    const types = snap.events.map((e) => e.event_type);
    expect(types).toContain('step_execution_failed');
    expect(types).toContain('loop_decision');
    expect(types).not.toContain('job_failed');
  });

  it('an execution failure without policies fails the step and blocks the run', async () => {
    h.fakes.execution.behaviour = (input) =>
      input.step.step_name === '00-setup.md'
        ? // The execution service's error is already a sentence that names the outcome.
          { outcome: 'timeout', error: 'Execution timeout: wall-clock limit reached', commit: null }
        : {};
    const { run } = await h.planned({ auto_advance: true });
    const snap = await h.snapshot(run.id);
    expect(snap.run.status).toBe('blocked');
    expect(snap.steps[0]).toMatchObject({ status: 'failed' });
    // Said once, not "Execution timeout: Execution timeout: …" (issue 15).
    expect(snap.steps[0]!.summary).toBe('Execution timeout: wall-clock limit reached');
    const failed = snap.events.find((e) => e.event_type === 'step_execution_failed');
    expect(failed?.message).toBe('Step 00-setup.md: Execution timeout: wall-clock limit reached');
    expect(failed?.metadata).toMatchObject({ outcome: 'timeout' });
  });

  it('budget exceeded fails the step and blocks the run, without retries', async () => {
    h.fakes.execution.behaviour = () => {
      throw new BudgetExceededError('Estimated prompt tokens (900) exceed configured limit (10) for exec:00-setup.md.');
    };
    const { run } = await h.planned({ auto_advance: true });
    const snap = await h.snapshot(run.id);
    expect(snap.run.status).toBe('blocked');
    expect(snap.steps[0]!.status).toBe('failed');
    expect(snap.events.map((e) => e.event_type)).toContain('budget_exceeded');
    expect(h.fakes.execution.calls).toHaveLength(1);
    const execJobs = snap.jobs.filter((j) => j.job_type === 'execute_step_job');
    expect(execJobs.map((j) => [j.status, j.attempts])).toEqual([['succeeded', 1]]);
  });

  it('QA ERROR is never a pass: qa_error, step and run blocked', async () => {
    h.fakes.quality.behaviour = () => ({ outcome: 'ERROR', error: 'QA engine run timeout', agent: null });
    const { run } = await h.planned({ auto_advance: true });
    const snap = await h.snapshot(run.id);
    expect(snap.run.status).toBe('blocked');
    expect(snap.steps[0]!.status).toBe('blocked');
    expect(snap.events.map((e) => e.event_type)).toContain('qa_error');
  });

  it('a QA service crash is an ERROR, not a pass', async () => {
    h.fakes.quality.behaviour = () => {
      throw Object.assign(new Error('engine exploded'), {});
    };
    const { run } = await h.planned({ auto_advance: true });
    const snap = await h.snapshot(run.id);
    // The unknown error is retried (max 2 attempts) and then recorded as qa_error.
    expect(snap.run.status).toBe('blocked');
    expect(snap.events.find((e) => e.event_type === 'qa_error')?.message).toMatch(/engine exploded/);
  });

  it('light QA runs inline in the execute job; skip completes the step at once', async () => {
    const { run } = await h.planned({
      auto_advance: true,
      template_config: {
        protocol_spec: demoSpec({
          '00-setup.md': { qa: 'skip' },
          '01-build.md': { qa: 'light' },
          '02-docs.md': { qa: 'light' },
        }),
      },
    });
    const snap = await h.snapshot(run.id);
    expect(snap.run.status).toBe('completed');
    const types = snap.events.map((e) => e.event_type);
    expect(types).toContain('qa_skipped_policy');
    expect(types.filter((t) => t === 'qa_passed_inline')).toHaveLength(2);
    expect(snap.jobs.filter((j) => j.job_type === 'run_quality_job')).toHaveLength(0);
    expect(h.fakes.quality.calls.map((c) => c.policyOverride)).toEqual(['light', 'light']);
  });

  /** Resumes the run: `jobType` is enqueued, and once drained the run is completed. */
  async function expectResumeCompletes(runId: number, jobType: string): Promise<void> {
    const resumed = await h.orchestrator.resumeProtocol(runId);
    expect(resumed.job?.job_type).toBe(jobType);
    await h.drain();
    expect((await h.snapshot(runId)).run.status).toBe('completed');
  }

  it('pause stops a queued step (step_deferred) and resume with auto-advance enqueues it again', async () => {
    const { run } = await h.planned({ auto_advance: false });
    const next = await h.orchestrator.runNextStep(run.id);
    await h.orchestrator.pauseProtocol(run.id);
    await h.drain();
    const snap = await h.snapshot(run.id);
    expect(snap.steps[0]).toMatchObject({ status: 'pending' });
    expect(snap.events.map((e) => e.event_type)).toContain('step_deferred');
    expect(h.fakes.execution.calls).toHaveLength(0);
    expect((await h.queue.get(next.job.run_id)).result).toMatchObject({ skipped: true });
    await h.storage.protocolRuns.update(run.id, { auto_advance: true });
    await expectResumeCompletes(run.id, 'execute_step_job');
  });

  it('a QA job that finds the run paused leaves the step waiting; resume enqueues its QA again', async () => {
    const { run } = await h.planned({ auto_advance: false });
    await h.storage.protocolRuns.update(run.id, { auto_advance: true });
    await h.orchestrator.runNextStep(run.id);
    expect(await h.runner.runOnce()).toBe(1);
    expect((await h.storage.stepRuns.listByRun(run.id))[0]!.status).toBe('needs_qa');
    await h.orchestrator.pauseProtocol(run.id);
    expect(await h.runner.runOnce()).toBe(1);
    const snap = await h.snapshot(run.id);
    expect(snap.steps[0]!.status).toBe('needs_qa');
    expect(snap.events.find((e) => e.event_type === 'step_deferred')?.metadata).toMatchObject({ phase: 'qa' });
    expect(h.fakes.quality.calls).toHaveLength(0);
    await expectResumeCompletes(run.id, 'run_quality_job');
  });

  it('cancel while a QA job waits: the job is cancelled and nothing resurrects the run', async () => {
    const { run } = await h.planned({ auto_advance: false });
    await h.orchestrator.runNextStep(run.id);
    await h.drain();
    const step = (await h.storage.stepRuns.listByRun(run.id))[0]!;
    const qa = await h.orchestrator.runStepQa(step.id);
    await h.orchestrator.cancelProtocol(run.id);
    expect((await h.queue.get(qa.job.run_id)).status).toBe('cancelled');
    await h.drain();
    const snap = await h.snapshot(run.id);
    expect(snap.run.status).toBe('cancelled');
    expect(snap.steps.map((s) => s.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });

  it('onJobFailed (dead letter) writes job_failed, fails the step and blocks the run', async () => {
    const { run } = await h.planned();
    const next = await h.orchestrator.runNextStep(run.id);
    await h.orchestrator.onJobFailed(next.job, new Error('worker crashed'));
    const snap = await h.snapshot(run.id);
    expect(snap.run.status).toBe('blocked');
    expect(snap.steps[0]).toMatchObject({ status: 'failed', summary: 'execute_step_job failed: worker crashed' });
    expect(snap.events.find((e) => e.event_type === 'job_failed')?.metadata).toMatchObject({
      job_id: next.job.run_id,
      error_category: 'internal',
    });
  });

  describe('CI reports', () => {
    it('success completes the latest step (or enqueues QA with autoQaOnCi); failure blocks; merged completes', async () => {
      const { run, steps } = await h.planned();
      await h.orchestrator.runNextStep(run.id);
      await h.drain();
      const success = await h.orchestrator.handleCiStatus({
        provider: 'github',
        status: 'success',
        protocol_run_id: run.id,
        event_type: 'check_suite',
      });
      expect(success).toMatchObject({ action: 'step_completed', step: { id: steps[0]!.id, status: 'completed' } });
      await h.orchestrator.runNextStep(run.id);
      await h.drain();
      const failure = await h.orchestrator.handleCiStatus({
        provider: 'gitlab',
        status: 'failure',
        branch: '0001-demo',
        event_type: 'pipeline',
      });
      expect(failure).toMatchObject({ action: 'step_failed', run: { status: 'blocked' }, step: { status: 'failed' } });
      const types = await eventTypes(h, run.id);
      expect(types.filter((t) => t === 'pipeline')).toHaveLength(2);
      const merged = await h.orchestrator.handleCiStatus({
        provider: 'github',
        status: 'merged',
        branch: '0001-demo',
        pr_number: 7,
      });
      expect(merged).toMatchObject({ action: 'run_completed', run: { status: 'completed' } });
      expect(await eventTypes(h, run.id)).toContain('pr_merged');
      const late = await h.orchestrator.handleCiStatus({ provider: 'github', status: 'failure', branch: '0001-demo' });
      expect(late).toMatchObject({ action: 'ignored', run: { status: 'completed' } });
    });

    it('with autoQaOnCi a success enqueues QA on the latest step', async () => {
      await reopen({ config: { autoQaOnCi: true } });
      const { run } = await h.planned();
      const next = await h.orchestrator.runNextStep(run.id);
      await h.drain();
      const result = await h.orchestrator.handleCiStatus({
        provider: 'github',
        status: 'success',
        protocol_run_id: run.id,
      });
      expect(result.action).toBe('qa_enqueued');
      expect(result.job).toMatchObject({ job_type: 'run_quality_job', params: { step_run_id: next.step.id } });
      const qaEvent = (await h.events(run.id)).find(
        (e) => e.event_type === 'qa_enqueued' && e.metadata?.source === 'ci_webhook',
      );
      expect(qaEvent?.metadata).toMatchObject({ provider: 'github' });
    });
  });
});
