import { ConflictError, ValidationError } from '@tasksgodzilla/core';
import { git } from '@tasksgodzilla/testing';
import { eventTypes, harnessPerTest, type Harness } from './harness.js';

const QUESTION = 'Which greeting should the page show?\n- hello\n- hi';

describe.each(['sqlite', 'postgres'] as const)('questions to a person, mid-run, on %s', (dialect) => {
  let h: Harness;
  const { it } = harnessPerTest((created) => (h = created), { dialect });

  /** 01-build.md asks on its first attempt; every other execution just works. */
  async function askOnce(input: Parameters<Harness['planned']>[0] = {}) {
    let asks = 1;
    h.fakes.execution.behaviour = (exec) =>
      exec.step.step_name === '01-build.md' && asks-- > 0 ? { question: QUESTION, final_message: 'asking' } : {};
    return h.planned({ auto_advance: true, ...input });
  }
  const stepNamed = async (runId: number, name: string) =>
    (await h.snapshot(runId)).steps.find((s) => s.step_name === name)!;

  it('a question moves the step to needs_input (run still running, nothing committed, nothing else started); an answer re-queues it with the answer in its feedback', async () => {
    const { run } = await askOnce();
    let snap = await h.snapshot(run.id);
    expect(snap.run.status).toBe('running');
    expect(snap.steps.map((s) => s.status)).toEqual(['completed', 'needs_input', 'pending']);
    const waiting = snap.steps[1]!;
    expect(waiting.runtime_state?.needs_input).toMatchObject({ question: QUESTION, attempt: 1 });
    expect(waiting.summary).toBe('Waiting for an answer: Which greeting should the page show?');
    const asked = snap.events.find((e) => e.event_type === 'step_needs_input')!;
    expect(asked).toMatchObject({ step_run_id: waiting.id, message: `Step 01-build.md asks: ${QUESTION}` });
    expect(asked.metadata).toMatchObject({ question: QUESTION, attempt: 1 });
    expect(asked.metadata?.job_id).toEqual(waiting.runtime_state?.exec_job_id);
    // The asking attempt made no commit: the branch holds the plan and 00-setup.md only.
    const subjects = git(snap.run.worktree_path as string, ['log', '--format=%s']);
    expect(subjects).toContain('0001-demo: 00-setup.md');
    expect(subjects).not.toContain('01-build.md');
    // Nothing else runs while the step waits: run_next_step is refused.
    await expect(h.orchestrator.runNextStep(run.id)).rejects.toThrow(
      'Step 01-build.md is waiting for an answer to its question',
    );

    const answered = await h.orchestrator.answerStep(waiting.id, '  hello, in bold  ', { requestId: 'req-answer' });
    expect(answered.step.status).toBe('running');
    expect(answered.job?.job_type).toBe('execute_step_job');
    await h.drain();

    snap = await h.snapshot(run.id);
    expect(snap.run.status).toBe('completed');
    expect(snap.steps.map((s) => s.status)).toEqual(['completed', 'completed', 'completed']);
    const answer = snap.events.find((e) => e.event_type === 'step_input_answered')!;
    expect(answer.step_run_id).toBe(waiting.id);
    expect(answer.metadata).toMatchObject({ question: QUESTION, answer: 'hello, in bold', request_id: 'req-answer' });
    const calls = h.fakes.execution.calls.filter((c) => c.step.step_name === '01-build.md');
    expect(calls).toHaveLength(2);
    expect(calls[0]?.feedback).toBeNull();
    expect(calls[1]?.feedback).toMatchObject({ attempt: 2, answer: { question: QUESTION, answer: 'hello, in bold' } });
    const step = await stepNamed(run.id, '01-build.md');
    expect(step.runtime_state?.needs_input ?? null).toBeNull();
    expect(step.runtime_state?.answered).toMatchObject({ question: QUESTION, answer: 'hello, in bold' });
    expect(step.runtime_state?.last_prompt).toMatchObject({
      attempt: 2,
      feedback: true,
      evidence_event_ids: [answer.id],
    });
  });

  it('refuses a blank answer (naming the field), a step that is not waiting, and QA while waiting, changing nothing', async () => {
    const { run } = await askOnce();
    const waiting = await stepNamed(run.id, '01-build.md');
    const done = await stepNamed(run.id, '00-setup.md');
    const blank = await h.orchestrator.answerStep(waiting.id, '   ').catch((error: unknown) => error);
    expect(blank).toBeInstanceOf(ValidationError);
    expect((blank as ValidationError).issues).toEqual([{ path: ['answer'], message: 'must not be empty' }]);
    await expect(h.orchestrator.answerStep(waiting.id, 'x'.repeat(20_001))).rejects.toThrow(
      'answer must be at most 20000 characters',
    );
    const notWaiting = await h.orchestrator.answerStep(done.id, 'yes').catch((error: unknown) => error);
    expect(notWaiting).toBeInstanceOf(ConflictError);
    expect((notWaiting as ConflictError).code).toBe('step_not_waiting_for_input');
    await expect(h.orchestrator.runStepQa(waiting.id)).rejects.toThrow('Step is waiting for an answer');
    expect((await stepNamed(run.id, '01-build.md')).status).toBe('needs_input');
    expect(await eventTypes(h, run.id)).not.toContain('step_input_answered');
  });

  it('a CI report while the step waits for an answer is only recorded', async () => {
    const { run } = await askOnce();
    for (const status of ['success', 'failure'] as const) {
      const result = await h.orchestrator.handleCiStatus({ protocol_run_id: run.id, provider: 'github', status });
      expect(result.action).toBe('recorded');
    }
    const snap = await h.snapshot(run.id);
    expect(snap.run.status).toBe('running');
    expect(snap.steps.find((s) => s.step_name === '01-build.md')?.status).toBe('needs_input');
  });

  it('a paused run keeps the answered step pending; resume runs it', async () => {
    const { run } = await askOnce();
    await h.orchestrator.pauseProtocol(run.id);
    const waiting = await stepNamed(run.id, '01-build.md');
    const answered = await h.orchestrator.answerStep(waiting.id, 'hi');
    expect(answered).toMatchObject({ job: null, step: { status: 'pending' } });
    await h.orchestrator.resumeProtocol(run.id);
    await h.drain();
    const snap = await h.snapshot(run.id);
    expect(snap.run.status).toBe('completed');
    const calls = h.fakes.execution.calls.filter((c) => c.step.step_name === '01-build.md');
    expect(calls[1]?.feedback?.answer).toEqual({ question: QUESTION, answer: 'hi' });
  });

  it('a waiting step is cancelled with its run, and can be approved instead of answered', async () => {
    const first = await askOnce();
    await h.orchestrator.cancelProtocol(first.run.id);
    expect((await stepNamed(first.run.id, '01-build.md')).status).toBe('cancelled');

    let asks = 1;
    h.fakes.execution.behaviour = (exec) =>
      exec.step.step_name === '01-build.md' && asks-- > 0 ? { question: QUESTION } : {};
    const projectId = first.projectId;
    const second = await h.orchestrator.createProtocolRun(projectId, {
      protocol_name: '0002-demo',
      template: first.run.template_config?.template_dir as string,
      auto_advance: true,
    });
    await h.orchestrator.startProtocol(second.id);
    await h.drain();
    const waiting = await stepNamed(second.id, '01-build.md');
    expect(waiting.status).toBe('needs_input');
    const approved = await h.orchestrator.approveStep(waiting.id);
    expect(approved.step.status).toBe('completed');
    await h.drain();
    expect((await h.snapshot(second.id)).run.status).toBe('completed');
  });
});
