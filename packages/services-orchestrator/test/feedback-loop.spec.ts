import { interpretGithubWebhook, interpretGitlabWebhook } from '../src/index.js';
import { createHarness, type Harness, type HarnessOptions } from './harness.js';

const failingCheck = {
  command: 'npm test',
  exit_code: 1,
  passed: false,
  output_tail: 'FAIL greeting.spec.ts\nexpected "hello", got "helo"',
};

describe('feedback on every re-execution', () => {
  let h: Harness;
  const open = async (options: HarnessOptions = {}) => {
    h = await createHarness(options);
  };
  afterEach(async () => {
    await h.close();
  });

  /** 01-build.md fails QA once (a failing check with its output), with a recorded agent session. */
  async function failOnce(input: Parameters<Harness['planned']>[0] = {}) {
    let fails = 1;
    h.fakes.quality.behaviour = (qa) =>
      qa.step.step_name === '01-build.md' && fails-- > 0
        ? {
            outcome: 'FAIL',
            checks: [failingCheck, { command: 'npm run lint', exit_code: 0, passed: true, output_tail: 'ok' }],
            reason: 'a check failed',
          }
        : {};
    h.fakes.execution.behaviour = (exec) => ({
      metadata: {
        session_id: `sess-${exec.step.step_name}-${h.fakes.execution.calls.length}`,
        prompt_fingerprint: `fp-${h.fakes.execution.calls.length}`,
      },
    });
    return h.planned({ auto_advance: true, ...input });
  }

  it("a retry after a QA failure gets the failing check's command, exit code and output, the attempt and budget, and resumes the session", async () => {
    await open({ config: { maxTokensPerStep: 1000 } });
    const { run } = await failOnce();
    const calls = () => h.fakes.execution.calls.filter((c) => c.step.step_name === '01-build.md');
    expect(calls()).toHaveLength(1);
    expect(calls()[0]).toMatchObject({ feedback: null, resume: null });

    await h.orchestrator.retryLatest(run.id);
    await h.drain();
    const retry = calls()[1]!;
    expect(retry.feedback).toMatchObject({
      attempt: 2,
      budget: { reopens_left: 3, tokens_left: 985 },
      qa: {
        outcome: 'FAIL',
        reason: 'a check failed',
        failing_checks: [{ command: 'npm test', exit_code: 1, output_tail: failingCheck.output_tail }],
      },
      ci: null,
      reviews: [],
    });
    expect(retry.feedback?.qa?.failing_checks).toHaveLength(1);
    expect(retry.resume).toEqual({ session_id: 'sess-01-build.md-2', engine_id: 'shell' });
    expect(retry.feedbackMaxChars).toBe(6000);

    const step = (await h.snapshot(run.id)).steps.find((s) => s.step_name === '01-build.md')!;
    const qaFailed = (await h.events(run.id)).find((e) => e.event_type === 'qa_failed')!;
    expect(step.runtime_state?.last_prompt).toEqual({
      attempt: 2,
      fingerprint: expect.stringMatching(/^fp-/),
      evidence_event_ids: [qaFailed.id],
      feedback: true,
      resumed_session_id: null,
    });
    const started = (await h.events(run.id)).filter(
      (e) => e.event_type === 'step_started' && e.step_run_id === step.id,
    );
    expect(started.map((e) => e.metadata?.step_attempt)).toEqual([1, 2]);
    expect(started[1]?.metadata?.evidence_event_ids).toEqual([qaFailed.id]);
    expect((await h.snapshot(run.id)).run.status).toBe('completed');
  });

  it('TASKSGODZILLA_ENGINE_RESUME off: the retry starts a fresh session (feedback still sent)', async () => {
    await open({ config: { engineResume: false } });
    const { run } = await failOnce();
    await h.orchestrator.retryLatest(run.id);
    await h.drain();
    const retry = h.fakes.execution.calls.filter((c) => c.step.step_name === '01-build.md')[1]!;
    expect(retry.resume).toBeNull();
    expect(retry.feedback?.qa?.failing_checks[0]?.command).toBe('npm test');
  });

  /** A run that is running with 00 and 01 completed by hand (run-next), 02 pending. */
  async function twoStepsDone(input: Parameters<Harness['planned']>[0] = {}) {
    const planned = await h.planned(input);
    for (let i = 0; i < 2; i += 1) {
      await h.orchestrator.runNextStep(planned.run.id);
      await h.drain();
    }
    const snap = await h.snapshot(planned.run.id);
    expect(snap.run.status).toBe('running');
    expect(snap.steps.map((s) => s.status)).toEqual(['completed', 'completed', 'pending']);
    return { run: snap.run, build: snap.steps[1]! };
  }

  it('a CI failure re-opens the completed step of an auto-advancing run with the CI evidence (job, conclusion, URL, log excerpt)', async () => {
    await open({ config: { autoQaAfterExec: true } });
    const { run, build } = await twoStepsDone();
    await h.storage.protocolRuns.update(run.id, { auto_advance: true });
    const before = h.fakes.execution.calls.length;
    const delivery = interpretGithubWebhook('check_run', {
      action: 'completed',
      check_run: {
        name: 'unit-tests',
        status: 'completed',
        conclusion: 'failure',
        head_branch: '0001-demo',
        html_url: 'https://ci.example/runs/9',
        output: { summary: 'tests failed', text: 'AssertionError: 1 !== 2\n    at build.spec.ts:3' },
      },
    });
    const result = await h.orchestrator.handleCiStatus(delivery.input!);
    expect(result).toMatchObject({ action: 'step_reopened', step: { id: build.id, status: 'running', retries: 1 } });
    await h.drain();
    const retry = h.fakes.execution.calls.slice(before).find((c) => c.step.id === build.id)!;
    expect(retry.feedback?.ci).toEqual({
      provider: 'github',
      job: 'unit-tests',
      conclusion: 'failure',
      url: 'https://ci.example/runs/9',
      log_excerpt: 'AssertionError: 1 !== 2\n    at build.spec.ts:3',
    });
    expect(retry.feedback?.budget?.reopens_left).toBe(2);
    expect((await h.snapshot(run.id)).run.status).toBe('completed');
  });

  it('review comments are recorded; with react_to_reviews they start a new attempt that carries them', async () => {
    await open({ config: { autoQaAfterExec: true } });
    const { run, build } = await twoStepsDone({ template_config: { react_to_reviews: true } });
    const comment = interpretGithubWebhook('pull_request_review_comment', {
      action: 'created',
      pull_request: { number: 5, head: { ref: '0001-demo' } },
      comment: {
        body: 'Please handle the empty name.',
        path: 'src/greeting.ts',
        line: 7,
        user: { login: 'reviewer' },
        html_url: 'https://forge/pr/5#c1',
      },
    });
    const before = h.fakes.execution.calls.length;
    const result = await h.orchestrator.handleCiStatus(comment.input!);
    expect(result).toMatchObject({ action: 'step_reopened', step: { id: build.id, status: 'running' } });
    await h.drain();
    const retry = h.fakes.execution.calls.slice(before).find((c) => c.step.id === build.id)!;
    expect(retry.feedback?.reviews).toEqual([
      {
        author: 'reviewer',
        body: 'Please handle the empty name.',
        path: 'src/greeting.ts',
        line: 7,
        state: 'commented',
        url: 'https://forge/pr/5#c1',
      },
    ]);
    const recorded = (await h.events(run.id)).find((e) => e.event_type === 'review_comment');
    expect(recorded?.metadata).toMatchObject({
      provider: 'github',
      author: 'reviewer',
      webhook_event: 'pull_request_review_comment',
    });
    const approval = interpretGithubWebhook('pull_request_review', {
      action: 'submitted',
      pull_request: { head: { ref: '0001-demo' } },
      review: { state: 'APPROVED', body: 'LGTM', user: { login: 'lead' } },
    });
    expect(await h.orchestrator.handleCiStatus(approval.input!)).toMatchObject({
      action: 'review_recorded',
      job: null,
    });
  });

  it('without the switch a GitLab merge request note is only recorded', async () => {
    await open({ config: { autoQaAfterExec: true } });
    const { run } = await twoStepsDone();
    const note = interpretGitlabWebhook('Note Hook', {
      object_kind: 'note',
      user: { username: 'maria' },
      merge_request: { iid: 3, source_branch: '0001-demo' },
      object_attributes: {
        noteable_type: 'MergeRequest',
        note: 'Rename this.',
        url: 'https://gl/mr/3#note_1',
        position: { new_path: 'a.ts', new_line: 2 },
      },
    });
    const result = await h.orchestrator.handleCiStatus(note.input!);
    expect(result).toMatchObject({ action: 'review_recorded', job: null });
    const recorded = (await h.events(run.id)).filter((e) => e.event_type === 'review_comment');
    expect(recorded.map((e) => e.metadata)).toEqual([
      expect.objectContaining({ provider: 'gitlab', author: 'maria', body: 'Rename this.', path: 'a.ts', line: 2 }),
    ]);
  });

  it('refuses a run whose auto_pr or react_to_reviews is malformed (422 naming the field), creating nothing', async () => {
    await open();
    const projectId = await h.project();
    await expect(
      h.orchestrator.createProtocolRun(projectId, { protocol_name: '0001-x', template_config: { auto_pr: 'always' } }),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('template_config.auto_pr: must be one of off, draft, ready'),
    });
    await expect(
      h.orchestrator.createProtocolRun(projectId, {
        protocol_name: '0001-x',
        template_config: { react_to_reviews: 'yes' },
      }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('template_config.react_to_reviews: must be a boolean'),
    });
    expect(
      (await h.storage.protocolRuns.list({ project_id: projectId })).items.filter((r) => r.protocol_name === '0001-x'),
    ).toEqual([]);
  });
});
