import { jest } from '@jest/globals';
import { getLogContext, isLogContextTracking } from '@tasksgodzilla/platform-telemetry';
import { git } from '@tasksgodzilla/testing';
import { TEMPLATE_DIR, useApi } from './api.test-helpers.js';

interface Step {
  id: number;
  step_name: string;
  status: string;
  retries: number;
  runtime_state?: Record<string, Record<string, unknown>> | null;
}

describe('protocol runs over the api', () => {
  const h = useApi({ project: true });

  it('runs a template protocol with auto_advance to completed, with the request id on the whole chain', async () => {
    const created = await h.call('POST', `/projects/${h.projectId}/protocols`, {
      body: {
        protocol_name: '0001-demo',
        status: 'pending',
        worktree_path: null,
        protocol_root: null,
        template: TEMPLATE_DIR,
        auto_advance: true,
        description: 'Demo',
      },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      protocol_name: '0001-demo',
      status: 'pending',
      auto_advance: true,
      project_id: h.projectId,
      spec_hash: null,
      spec_validation_status: null,
    });
    const id = created.body.id as number;

    const started = await h.call('POST', `/protocols/${id}/actions/start`, {
      headers: { 'x-request-id': 'req-run-1' },
    });
    expect(started.status).toBe(200);
    expect(started.headers['x-request-id']).toBe('req-run-1');
    expect(started.body.message).toBe('Protocol planning enqueued');
    expect(started.body.job).toMatchObject({
      job_type: 'plan_protocol_job',
      status: 'queued',
      queue: 'default',
      attempts: 0,
    });
    expect(started.body.job.payload).toMatchObject({
      protocol_run_id: id,
      job_id: started.body.job.job_id,
      request_id: 'req-run-1',
    });

    await h.drain();
    const run = await h.call('GET', `/protocols/${id}`);
    expect(run.body.status).toBe('completed');
    expect(run.body.spec_hash).toMatch(/^[0-9a-f]{12}$/);
    expect(run.body.spec_validation_status).toBe('valid');
    expect(run.body.spec_validated_at).toEqual(expect.any(String));

    const steps = await h.call<Step[]>('GET', `/protocols/${id}/steps`);
    expect(steps.body.map((s) => [s.step_name, s.status])).toEqual([
      ['00-setup.md', 'completed'],
      ['01-build.md', 'completed'],
      ['02-docs.md', 'completed'],
    ]);
    const events = await h.call('GET', `/protocols/${id}/events`, { query: { limit: 500 } });
    const types = (events.body as { event_type: string }[]).map((e) => e.event_type);
    expect(types[0]).toBe('protocol_completed');
    expect(types).toEqual(expect.arrayContaining(['planning_enqueued', 'planned', 'step_completed', 'qa_passed']));
    const enqueued = (events.body as { event_type: string; metadata: Record<string, unknown> | null }[]).find(
      (e) => e.event_type === 'planning_enqueued',
    );
    expect(enqueued?.metadata?.request_id).toBe('req-run-1');

    const spec = await h.call('GET', `/protocols/${id}/spec`);
    expect(spec.body).toMatchObject({
      protocol_run_id: id,
      protocol_name: '0001-demo',
      project_id: h.projectId,
      spec_hash: run.body.spec_hash,
      validation_status: 'valid',
      validation_errors: null,
    });
    expect(spec.body.spec.steps).toHaveLength(3);

    const usage = await h.call('GET', `/protocols/${id}/usage`);
    expect(usage.status).toBe(200);
    expect(usage.body).toMatchObject({ protocol_run_id: id, tokens: 0, cost_usd: 0 });
    expect(usage.body.by_phase.map((p: { phase: string }) => p.phase)).toEqual(
      expect.arrayContaining(['planning', 'exec', 'qa']),
    );

    // Step log and diff: the shell engine's run log and the step's commit on the branch.
    const build = steps.body.find((s) => s.step_name === '01-build.md')!;
    const log = await h.call('GET', `/steps/${build.id}/log`);
    expect(log.status).toBe(200);
    expect(log.headers['content-type']).toContain('text/plain');
    const diff = await h.call('GET', `/steps/${build.id}/diff`);
    expect(diff.status).toBe(200);
    expect(diff.text).toContain('bin/hello');
    // Plan, one commit per step, the run's final reports (+ onboarding's starter-assets commit first, when the main checkout has them).
    expect(
      git(h.repo.originPath, ['log', '--format=%s', 'main..0001-demo'])
        .split('\n')
        .filter((s) => !s.startsWith('TasksGodzilla: onboarding')),
    ).toEqual([
      '0001-demo: final reports',
      '0001-demo: 02-docs.md [step 2]',
      '0001-demo: 01-build.md [step 1]',
      '0001-demo: 00-setup.md [step 0]',
      '0001-demo: plan',
    ]);

    const one = await h.call('GET', `/steps/${build.id}`);
    expect(one.body).toMatchObject({ id: build.id, protocol_run_id: id, status: 'completed' });

    // Terminal runs stay terminal.
    const cancel = await h.call('POST', `/protocols/${id}/actions/cancel`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.detail).toBe('Protocol already terminal');
    const again = await h.call('POST', `/protocols/${id}/actions/start`);
    expect(again.status).toBe(409);
    expect(again.body.detail).toBe('Protocol already running or terminal');
  });

  it('runs a command in a log scope carrying its request id, and a GET in none (no promise hooks)', async () => {
    const created = await h.call('POST', `/projects/${h.projectId}/protocols`, {
      body: { protocol_name: '0001-scope', status: 'pending', template: TEMPLATE_DIR, description: 'Scope' },
    });
    const id = created.body.id as number;
    const { queue, services } = h.runtime;
    const enqueue = queue.enqueue;
    const deep: unknown[] = [];
    const enqueueSpy = jest.spyOn(queue, 'enqueue').mockImplementation(function (this: unknown, ...args) {
      deep.push(getLogContext().request_id, isLogContextTracking());
      return enqueue.apply(this, args);
    });
    const read = services.reads.protocolRunWithProject;
    const reads: unknown[] = [];
    const readSpy = jest.spyOn(services.reads, 'protocolRunWithProject').mockImplementation(function (
      this: unknown,
      ...args
    ) {
      reads.push(getLogContext().request_id, isLogContextTracking());
      return read.apply(this, args);
    });
    try {
      const started = await h.call('POST', `/protocols/${id}/actions/start`, {
        headers: { 'x-request-id': 'req-scope-1' },
      });
      expect(started.status).toBe(200);
      expect(deep).toEqual(['req-scope-1', true]);
      expect(isLogContextTracking()).toBe(false);
      reads.length = 0;
      const got = await h.call('GET', `/protocols/${id}`, { headers: { 'x-request-id': 'req-read-1' } });
      expect(got.status).toBe(200);
      expect(reads).toEqual([undefined, false]);
    } finally {
      enqueueSpy.mockRestore();
      readSpy.mockRestore();
    }
  });

  it('pauses, resumes and cancels, with 409 for illegal moves', async () => {
    const { id, steps } = await h.planned(h.projectId, '0002-pause');
    expect(steps).toHaveLength(3);
    const resumeFirst = await h.call('POST', `/protocols/${id}/actions/resume`);
    expect(resumeFirst.status).toBe(409);
    expect(resumeFirst.body.detail).toBe('Protocol is not paused');

    const paused = await h.call('POST', `/protocols/${id}/actions/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('paused');
    const runWhilePaused = await h.call('POST', `/protocols/${id}/actions/run_next_step`);
    expect(runWhilePaused.status).toBe(409);

    const resumed = await h.call('POST', `/protocols/${id}/actions/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('running');

    const cancelled = await h.call('POST', `/protocols/${id}/actions/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const stepsAfter = await h.call<Step[]>('GET', `/protocols/${id}/steps`);
    expect(stepsAfter.body.every((s) => s.status === 'cancelled')).toBe(true);
    const cancelAgain = await h.call('POST', `/protocols/${id}/actions/cancel`);
    expect(cancelAgain.status).toBe(200);
    const pauseCancelled = await h.call('POST', `/protocols/${id}/actions/pause`);
    expect(pauseCancelled.status).toBe(409);
  });

  it('runs the next step, approves it, retries a failed one and runs QA', async () => {
    const failing = h.template({
      '01-build.md': '# 01 - Build\n\n```sh\nexit 3\n```\n\n## Checks\n\n```sh\ntrue\n```\n',
    });
    const { id, steps } = await h.planned(h.projectId, '0003-steps', { template: failing });

    const next = await h.call('POST', `/protocols/${id}/actions/run_next_step`);
    expect(next.status).toBe(200);
    expect(next.body.message).toBe('Step 00-setup.md enqueued');
    expect(next.body.job.job_type).toBe('execute_step_job');
    const busy = await h.call('POST', `/protocols/${id}/actions/run_next_step`);
    expect(busy.status).toBe(409);
    await h.drain();

    // 00-setup waits for QA (no auto_advance): approve it by hand.
    const setup = steps.find((s) => s.step_name === '00-setup.md')!;
    const approved = await h.call('POST', `/steps/${setup.id}/actions/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('completed');
    const runEvents = await h.call('GET', `/protocols/${id}/events`);
    expect((runEvents.body as { event_type: string }[]).map((e) => e.event_type)).toContain('manual_approval');
    const rerunCompleted = await h.call('POST', `/steps/${setup.id}/actions/run`);
    expect(rerunCompleted.status).toBe(409);
    expect(rerunCompleted.body.detail).toBe('Step already running or completed');

    // 01-build fails; nothing to retry before that.
    const noRetry = await h.call('POST', `/protocols/${id}/actions/retry_latest`);
    expect(noRetry.status).toBe(404);
    expect(noRetry.body.detail).toBe('No failed or blocked steps to retry');
    const build = steps.find((s) => s.step_name === '01-build.md')!;
    const run = await h.call('POST', `/steps/${build.id}/actions/run`);
    expect(run.status).toBe(200);
    expect(run.body.message).toBe('Step execution enqueued');
    await h.drain();
    expect((await h.call('GET', `/steps/${build.id}`)).body.status).toBe('failed');

    const retry = await h.call('POST', `/protocols/${id}/actions/retry_latest`);
    expect(retry.status).toBe(200);
    expect(retry.body.message).toBe('Retrying 01-build.md');
    await h.drain();
    const retried = await h.call<Step>('GET', `/steps/${build.id}`);
    expect(retried.body.retries).toBe(1);
    expect(retried.body.status).toBe('failed');

    const qa = await h.call('POST', `/steps/${build.id}/actions/run_qa`);
    expect(qa.status).toBe(200);
    expect(qa.body).toMatchObject({ message: 'QA enqueued', job: { job_type: 'run_quality_job' } });
    await h.drain();

    const openPr = await h.call('POST', `/protocols/${id}/actions/open_pr`);
    expect(openPr.status).toBe(200);
    expect(openPr.body).toMatchObject({ message: 'Open PR/MR enqueued', job: { job_type: 'open_pr_job' } });
  });

  it('a step that asks a question waits in needs_input; POST /steps/{id}/answer re-queues it (422 naming answer, 409 when not waiting)', async () => {
    const asking = h.template({
      '01-build.md': [
        '# 01 - Build',
        '',
        '```sh',
        'if [ ! -f .asked ]; then touch .asked; echo "NEEDS_INPUT: Which greeting should greeting.txt hold?"; exit 0; fi',
        'echo hello > greeting.txt',
        '```',
        '',
      ].join('\n'),
    });
    const { id, steps } = await h.planned(h.projectId, '0003-asks', { template: asking });
    const build = steps.find((s) => s.step_name === '01-build.md')!;
    const setup = steps.find((s) => s.step_name === '00-setup.md')!;
    expect((await h.call('POST', `/steps/${build.id}/actions/run`)).status).toBe(200);
    await h.drain();

    const waiting = await h.call<Step>('GET', `/steps/${build.id}`);
    expect(waiting.body.status).toBe('needs_input');
    expect(waiting.body.runtime_state?.needs_input).toMatchObject({
      question: 'Which greeting should greeting.txt hold?',
    });
    const events = await h.call('GET', `/protocols/${id}/events`);
    expect((events.body as { event_type: string }[]).map((e) => e.event_type)).toContain('step_needs_input');

    const missing = await h.call('POST', `/steps/${build.id}/answer`, { body: {} });
    expect(missing.status).toBe(422);
    expect(JSON.stringify(missing.body.detail)).toContain('answer');
    const blank = await h.call('POST', `/steps/${build.id}/answer`, { body: { answer: '   ' } });
    expect(blank.status).toBe(422);
    expect(JSON.stringify(blank.body.detail)).toContain('answer');
    const notWaiting = await h.call('POST', `/steps/${setup.id}/answer`, { body: { answer: 'hi' } });
    expect([notWaiting.status, notWaiting.body.detail]).toEqual([409, 'Step is not waiting for an answer']);
    expect((await h.call<Step>('GET', `/steps/${build.id}`)).body.status).toBe('needs_input');
    const nowhere = await h.call('POST', '/steps/999999/answer', { body: { answer: 'hi' } });
    expect([nowhere.status, nowhere.body.detail]).toEqual([404, 'Step not found']);

    const answered = await h.call('POST', `/steps/${build.id}/answer`, { body: { answer: 'hello' } });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({
      message: 'Answer recorded; step re-queued',
      job: { job_type: 'execute_step_job' },
    });
    const again = await h.call('POST', `/steps/${build.id}/answer`, { body: { answer: 'hello' } });
    expect(again.status).toBe(409);
    await h.drain();
    const after = await h.call<Step>('GET', `/steps/${build.id}`);
    expect(['needs_qa', 'completed']).toContain(after.body.status);
    expect(after.body.runtime_state?.answered).toMatchObject({ answer: 'hello' });
  });

  it('adds and lists steps with pagination, 409 on a duplicate name', async () => {
    // No step on an ended run (created first: 0004-manual stays the project's newest run).
    const ended = await h.call('POST', `/projects/${h.projectId}/protocols`, { body: { protocol_name: '0004-ended' } });
    expect((await h.call('POST', `/protocols/${ended.body.id}/actions/cancel`)).status).toBe(200);
    const onEnded = await h.call('POST', `/protocols/${ended.body.id}/steps`, {
      body: { step_index: 0, step_name: 'late.md', step_type: 'work' },
    });
    expect(onEnded.status).toBe(409);
    expect((await h.call<Step[]>('GET', `/protocols/${ended.body.id}/steps`)).body).toEqual([]);
    const run = await h.call('POST', `/projects/${h.projectId}/protocols`, { body: { protocol_name: '0004-manual' } });
    const id = run.body.id as number;
    for (const [index, name] of ['a.md', 'b.md', 'c.md'].entries()) {
      const step = await h.call('POST', `/protocols/${id}/steps`, {
        body: { step_index: index, step_name: name, step_type: 'work', policy: [{ behavior: 'loop' }] },
      });
      expect(step.status).toBe(200);
      expect(step.body).toMatchObject({
        protocol_run_id: id,
        step_index: index,
        step_name: name,
        status: 'pending',
        retries: 0,
        runtime_state: null,
      });
    }
    const duplicate = await h.call('POST', `/protocols/${id}/steps`, {
      body: { step_index: 9, step_name: 'a.md', step_type: 'work' },
    });
    expect(duplicate.status).toBe(409);
    const bad = await h.call('POST', `/protocols/${id}/steps`, {
      body: { step_index: -1, step_name: '', step_type: 'work', status: 'bogus' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.detail.map((issue: { loc: unknown[] }) => issue.loc)).toEqual(
      expect.arrayContaining([
        ['body', 'step_index'],
        ['body', 'step_name'],
        ['body', 'status'],
      ]),
    );
    // Only the orchestrator moves statuses: a step is created pending, never running or completed; not on an ended run.
    for (const status of ['running', 'completed']) {
      const moved = await h.call('POST', `/protocols/${id}/steps`, {
        body: { step_index: 7, step_name: `${status}.md`, step_type: 'work', status },
      });
      expect(moved.status).toBe(422);
      expect(moved.body.detail.map((issue: { loc: unknown[] }) => issue.loc)).toContainEqual(['body', 'status']);
    }

    const first = await h.call<Step[]>('GET', `/protocols/${id}/steps`, { query: { limit: 2 } });
    expect(first.body.map((s) => s.step_name)).toEqual(['a.md', 'b.md']);
    const cursor = first.headers['x-next-cursor'] as string;
    expect(cursor).toBeTruthy();
    const second = await h.call<Step[]>('GET', `/protocols/${id}/steps`, { query: { limit: 2, cursor } });
    expect(second.body.map((s) => s.step_name)).toEqual(['c.md']);
    expect(second.headers['x-next-cursor']).toBeUndefined();
    const badCursor = await h.call('GET', `/protocols/${id}/steps`, { query: { cursor: 'junk' } });
    expect(badCursor.status).toBe(422);

    const noWorkspace = await h.call('GET', `/steps/${first.body[0]!.id}/diff`);
    expect(noWorkspace.status).toBe(404);
    const noLog = await h.call('GET', `/steps/${first.body[0]!.id}/log`);
    expect(noLog.status).toBe(404);
  });

  it('lists a project protocol runs newest first with the derived spec fields', async () => {
    const list = await h.call<{ protocol_name: string; spec_hash: string | null }[]>(
      'GET',
      `/projects/${h.projectId}/protocols`,
      { query: { limit: 2 } },
    );
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(2);
    expect(list.headers['x-next-cursor']).toBeTruthy();
    const all = await h.call<{ protocol_name: string }[]>('GET', `/projects/${h.projectId}/protocols`, {
      query: { limit: 500 },
    });
    expect(all.body.map((r) => r.protocol_name)[0]).toBe('0004-manual');
    expect(all.body.map((r) => r.protocol_name)).toContain(`setup-${h.projectId}`);
  });

  it('reads a run and its project once (one joined read) for GET /protocols/{id}, the project token still checked', async () => {
    const guarded = await h.project(
      { secrets: { api_token: 'guarded-token' } },
      { 'x-project-token': 'guarded-token' },
    );
    const created = await h.call('POST', `/projects/${guarded}/protocols`, {
      body: { protocol_name: '0009-reads', base_branch: 'main' },
      headers: { 'x-project-token': 'guarded-token' },
    });
    expect(created.status).toBe(200);
    const reads = h.runtime.services.reads;
    const joined = jest.spyOn(reads, 'protocolRunWithProject');
    const runs = jest.spyOn(reads, 'protocolRun');
    const projects = jest.spyOn(reads, 'project');
    try {
      const read = await h.call('GET', `/protocols/${created.body.id}`, {
        headers: { 'x-project-token': 'guarded-token' },
      });
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created.body);
      expect(joined).toHaveBeenCalledTimes(1);
      expect(runs).not.toHaveBeenCalled();
      expect(projects).not.toHaveBeenCalled();
      const denied = await h.call('GET', `/protocols/${created.body.id}`);
      expect(denied.status).toBe(401);
      expect(denied.body).toMatchObject({ code: 'project_access_denied' });
      const wrong = await h.call('GET', `/protocols/${created.body.id}`, { headers: { 'x-project-token': 'other' } });
      expect(wrong.status).toBe(401);
    } finally {
      joined.mockRestore();
      runs.mockRestore();
      projects.mockRestore();
    }
  });

  it('answers 404 for missing ids and 422 for bad ones, on every protocol and step route', async () => {
    const routes: [string, string][] = [
      ['GET', '/protocols/999999'],
      ['GET', '/protocols/999999/spec'],
      ['GET', '/protocols/999999/usage'],
      ['GET', '/protocols/999999/steps'],
      ['GET', '/protocols/999999/events'],
      ['POST', '/protocols/999999/actions/start'],
      ['POST', '/protocols/999999/actions/pause'],
      ['POST', '/protocols/999999/actions/resume'],
      ['POST', '/protocols/999999/actions/cancel'],
      ['POST', '/protocols/999999/actions/run_next_step'],
      ['POST', '/protocols/999999/actions/retry_latest'],
      ['POST', '/protocols/999999/actions/open_pr'],
    ];
    for (const [method, url] of routes) {
      const res = await h.call(method as 'GET', url);
      expect([url, res.status, res.body.detail]).toEqual([url, 404, 'Protocol run not found']);
    }
    for (const url of ['/steps/999999', '/steps/999999/log', '/steps/999999/diff']) {
      expect((await h.call('GET', url)).body.detail).toBe('Step not found');
    }
    for (const action of ['run', 'run_qa', 'approve']) {
      const res = await h.call('POST', `/steps/999999/actions/${action}`);
      expect([res.status, res.body.detail]).toEqual([404, 'Step not found']);
    }
    const created = await h.call('POST', '/protocols/999999/steps', {
      body: { step_index: 0, step_name: 'x', step_type: 'work' },
    });
    expect(created.status).toBe(404);
    expect((await h.call('GET', '/protocols/0')).status).toBe(422);
    expect((await h.call('GET', '/protocols/1.5')).status).toBe(422);
  });

  it('validates protocol creation: pending only, names usable as branches, existing project', async () => {
    const planning = await h.call('POST', `/projects/${h.projectId}/protocols`, {
      body: { protocol_name: '0005-x', status: 'planning', worktree_path: '/tmp/x' },
    });
    expect(planning.status).toBe(422);
    expect(planning.body.detail.map((issue: { loc: unknown[] }) => issue.loc)).toEqual([
      ['body', 'status'],
      ['body', 'worktree_path'],
    ]);
    const badName = await h.call('POST', `/projects/${h.projectId}/protocols`, {
      body: { protocol_name: '../escape' },
    });
    expect(badName.status).toBe(422);
    expect(badName.body.detail[0].loc).toEqual(['body', 'protocol_name']);
    const duplicate = await h.call('POST', `/projects/${h.projectId}/protocols`, {
      body: { protocol_name: '0004-manual' },
    });
    expect(duplicate.status).toBe(409);
    const missing = await h.call('POST', '/projects/999999/protocols', { body: { protocol_name: '0006-x' } });
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe('Project not found');
    const replan = await h.call('POST', `/protocols/999999/actions/start`, { query: { replan: 'maybe' } });
    expect(replan.status).toBe(422);
  });
});
