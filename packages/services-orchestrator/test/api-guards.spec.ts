import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODEMACHINE_WORKSPACE, DEMO_TEMPLATE } from '@tasksgodzilla/service-testing';
import { harnessPerTest, eventTypes, initGitWorkspace, expectRejected, type Harness } from './harness.js';

describe('api-facing methods: guards and errors', () => {
  let h: Harness;
  harnessPerTest((created) => (h = created));

  describe('projects and onboarding', () => {
    it('creates the project, its setup run, setup_enqueued and the setup job in one go', async () => {
      const created = await h.orchestrator.createProject(
        { name: 'demo', git_url: h.repo.originPath, local_path: h.repo.path },
        { requestId: 'req-p' },
      );
      expect(created.setup_run).toMatchObject({
        protocol_name: `setup-${created.project.id}`,
        status: 'pending',
        base_branch: 'main',
      });
      expect(created.job).toMatchObject({
        job_type: 'project_setup_job',
        params: { project_id: created.project.id, protocol_run_id: created.setup_run.id, request_id: 'req-p' },
      });
      const events = await h.events(created.setup_run.id);
      expect(events.map((e) => e.event_type)).toEqual(['setup_enqueued']);
      expect(events[0]!.metadata).toMatchObject({ job_id: created.job.run_id, request_id: 'req-p' });
      await h.drain();
      expect((await h.storage.protocolRuns.get(created.setup_run.id)).status).toBe('completed');
      expect(h.fakes.onboarding.calls).toHaveLength(1);
    });

    it('stores credentials embedded in an https git_url as the git_credentials secret, never in the URL, events or job', async () => {
      const created = await h.orchestrator.createProject({
        name: 'private',
        git_url: 'https://deploy-bot:tok3n-s3cret@git.example.test/acme/app.git',
        secrets: { api_token: 'pt' },
      });
      const stored = await h.storage.projects.get(created.project.id);
      expect(stored.git_url).toBe('https://git.example.test/acme/app.git');
      expect(stored.secrets).toEqual({
        api_token: 'pt',
        git_credentials: { username: 'deploy-bot', password: 'tok3n-s3cret' },
      });
      const written = JSON.stringify({
        events: await h.events(created.setup_run.id),
        job: created.job,
        run: created.setup_run,
      });
      expect(written).not.toContain('tok3n-s3cret');
      // A URL without credentials keeps the secrets as given (none here).
      const plain = await h.orchestrator.createProject({
        name: 'plain',
        git_url: 'https://git.example.test/acme/other.git',
      });
      expect((await h.storage.projects.get(plain.project.id)).secrets).toBeNull();
    });

    it('rejects a project without name or git_url and writes nothing', async () => {
      await expectRejected(h.orchestrator.createProject({ name: ' ', git_url: 'x' }), 'ValidationError');
      await expectRejected(h.orchestrator.createProject({ name: 'x', git_url: '' }), 'ValidationError');
      await expectRejected(
        h.orchestrator.createProject({ name: 'x', git_url: 'y', base_branch: 'bad branch' }),
        'ValidationError',
      );
      await expect(
        h.orchestrator.createProject({ name: 'x', git_url: 'https://u:a%0Ab@h.test/x.git' }),
      ).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('git_url') });
      expect((await h.storage.projects.list()).items).toHaveLength(0);
    });

    it('restarts onboarding only from pending or blocked', async () => {
      await expectRejected(h.orchestrator.startOnboarding(999), 'NotFoundError', 'Project 999 not found');
      const created = await h.orchestrator.createProject({
        name: 'demo',
        git_url: h.repo.originPath,
        local_path: h.repo.path,
      });
      // A second click while the first job waits answers with that job.
      const again = await h.orchestrator.startOnboarding(created.project.id);
      expect(again.job.run_id).toBe(created.job.run_id);
      h.fakes.onboarding.result = { status: 'blocked', blocking: true };
      await h.drain();
      expect((await h.storage.protocolRuns.get(created.setup_run.id)).status).toBe('blocked');
      h.fakes.onboarding.result = {};
      const restarted = await h.orchestrator.startOnboarding(created.project.id);
      expect(restarted.job.run_id).not.toBe(created.job.run_id);
      await h.drain();
      expect((await h.storage.protocolRuns.get(created.setup_run.id)).status).toBe('completed');
      await expectRejected(
        h.orchestrator.startOnboarding(created.project.id),
        'ConflictError',
        'Onboarding already completed',
      );
    });
  });

  describe('createProtocolRun', () => {
    it('validates the name as a branch and a folder, the project and the engine', async () => {
      const projectId = await h.project();
      for (const name of ['', 'a b', '../x', 'x/y', '-x', 'x..y', 'x.lock', '.hidden', 'a'.repeat(101)]) {
        await expectRejected(h.orchestrator.createProtocolRun(projectId, { protocol_name: name }), 'ValidationError');
      }
      await expectRejected(
        h.orchestrator.createProtocolRun(projectId, { protocol_name: 'ok', engine_id: 'nope' }),
        'ValidationError',
      );
      await expectRejected(
        h.orchestrator.createProtocolRun(projectId, { protocol_name: 'ok', base_branch: 'a..b' }),
        'ValidationError',
      );
      await expectRejected(
        h.orchestrator.createProtocolRun(999, { protocol_name: 'ok' }),
        'NotFoundError',
        'Project 999 not found',
      );
      const run = await h.orchestrator.createProtocolRun(projectId, {
        protocol_name: '0001-ok',
        template: DEMO_TEMPLATE,
        engine_id: 'shell',
        auto_advance: true,
      });
      expect(run).toMatchObject({
        status: 'pending',
        base_branch: 'main',
        auto_advance: true,
        template_config: { template_dir: DEMO_TEMPLATE, engine_id: 'shell' },
      });
      await expectRejected(h.orchestrator.createProtocolRun(projectId, { protocol_name: '0001-ok' }), 'ConflictError');
    });
  });

  describe('start, pause, resume, cancel', () => {
    it('starts once: a second click is a 409 and only one plan job exists', async () => {
      const projectId = await h.project();
      const run = await h.orchestrator.createProtocolRun(projectId, {
        protocol_name: '0001-demo',
        template: DEMO_TEMPLATE,
      });
      await expectRejected(h.orchestrator.startProtocol(12345), 'NotFoundError', 'Protocol run not found');
      await h.orchestrator.startProtocol(run.id);
      await expectRejected(
        h.orchestrator.startProtocol(run.id),
        'ConflictError',
        'Protocol already running or terminal',
      );
      const jobs = await h.storage.jobRuns.list({ protocol_run_id: run.id, job_type: 'plan_protocol_job' });
      expect(jobs.items).toHaveLength(1);
      expect(jobs.items[0]!.idempotency_key).toBe(`plan_protocol_job:run-${run.id}:1`);
    });

    it('pauses any active run, resumes only a paused one, cancels with a cascade', async () => {
      const { run } = await h.planned();
      const paused = await h.orchestrator.pauseProtocol(run.id, { requestId: 'r' });
      expect(paused.status).toBe('paused');
      expect((await h.orchestrator.pauseProtocol(run.id)).status).toBe('paused');
      const resumed = await h.orchestrator.resumeProtocol(run.id);
      expect(resumed.run.status).toBe('running');
      expect(resumed.job).toBeNull();
      await expectRejected(h.orchestrator.resumeProtocol(run.id), 'ConflictError', 'Protocol is not paused');
      const next = await h.orchestrator.runNextStep(run.id);
      const cancelled = await h.orchestrator.cancelProtocol(run.id);
      expect(cancelled.status).toBe('cancelled');
      expect((await h.orchestrator.cancelProtocol(run.id)).status).toBe('cancelled');
      const steps = await h.storage.stepRuns.listByRun(run.id);
      expect(steps.map((s) => s.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
      expect(steps[0]!.summary).toBe('Cancelled with protocol');
      expect((await h.queue.get(next.job.run_id)).status).toBe('cancelled');
      await expectRejected(h.orchestrator.pauseProtocol(run.id), 'ConflictError', 'Protocol already terminal');
      await expectRejected(h.orchestrator.runNextStep(run.id), 'ConflictError');
      expect(await eventTypes(h, run.id)).toEqual(
        expect.arrayContaining(['paused', 'resumed', 'step_enqueued', 'cancelled']),
      );
    });

    it('resumes a run paused during planning by planning it', async () => {
      const run = await h.started();
      await h.orchestrator.pauseProtocol(run.id);
      await h.drain();
      expect((await h.storage.protocolRuns.get(run.id)).status).toBe('paused');
      const resumed = await h.orchestrator.resumeProtocol(run.id);
      expect(resumed.run.status).toBe('planning');
      expect(resumed.job?.job_type).toBe('plan_protocol_job');
      await h.drain();
      expect((await h.storage.protocolRuns.get(run.id)).status).toBe('planned');
    });
  });

  describe('step actions', () => {
    it('run_next_step: 404 without candidates, 409 while a step runs or the run is paused', async () => {
      const projectId = await h.project();
      const pending = await h.orchestrator.createProtocolRun(projectId, { protocol_name: 'p1' });
      await expectRejected(h.orchestrator.runNextStep(pending.id), 'ConflictError', 'Protocol is not planned yet');
      const { run } = await h.planned({ protocol_name: 'p2' });
      const first = await h.orchestrator.runNextStep(run.id, { requestId: 'req-n' });
      expect(first.step).toMatchObject({ step_name: '00-setup.md', status: 'running' });
      expect(first.run.status).toBe('running');
      expect(first.job.params).toMatchObject({
        step_run_id: first.step.id,
        protocol_run_id: run.id,
        request_id: 'req-n',
      });
      await expectRejected(h.orchestrator.runNextStep(run.id), 'ConflictError', 'Step 00-setup.md is running');
      await h.orchestrator.pauseProtocol(run.id);
      await expectRejected(h.orchestrator.runNextStep(run.id), 'ConflictError', 'Protocol is paused; resume it first');
      await h.orchestrator.resumeProtocol(run.id);
      await h.drain();
      // 00-setup waits for QA (full policy, no auto-advance): nothing else may start meanwhile.
      await expectRejected(h.orchestrator.runNextStep(run.id), 'ConflictError', 'Step 00-setup.md is waiting for QA');
      await h.orchestrator.approveStep(first.step.id);
      await expectRejected(h.orchestrator.retryLatest(run.id), 'NotFoundError', 'No failed or blocked steps to retry');

      // A blocked run without steps (its spec was invalid) has nothing to run.
      const blocked = await h.orchestrator.createProtocolRun(projectId, {
        protocol_name: 'p3',
        template: DEMO_TEMPLATE,
        template_config: {
          protocol_spec: { steps: [{ id: 'x', engine_id: 'shell', prompt_ref: 'missing.md', qa: { policy: 'skip' } }] },
        },
      });
      await h.orchestrator.startProtocol(blocked.id);
      await h.drain();
      await expectRejected(
        h.orchestrator.runNextStep(blocked.id),
        'NotFoundError',
        'No pending or failed steps to run',
      );
    });

    it('run, run_qa and approve on single steps', async () => {
      const { run, steps } = await h.planned();
      await expectRejected(h.orchestrator.runStep(9999), 'NotFoundError', 'Step not found');
      await expectRejected(h.orchestrator.runStepQa(9999), 'NotFoundError', 'Step not found');
      await expectRejected(h.orchestrator.approveStep(9999), 'NotFoundError', 'Step not found');
      const [s0, s1, s2] = steps;
      const approved = await h.orchestrator.approveStep(s0!.id);
      expect(approved.step.status).toBe('completed');
      await expectRejected(h.orchestrator.runStep(s0!.id), 'ConflictError', 'Step already running or completed');
      await expectRejected(h.orchestrator.runStepQa(s0!.id), 'ConflictError', 'Step already completed or cancelled');
      const ran = await h.orchestrator.runStep(s1!.id);
      expect(ran.step.status).toBe('running');
      await expectRejected(h.orchestrator.runStep(s2!.id), 'ConflictError', 'Step 01-build.md is running');
      await expectRejected(h.orchestrator.runStepQa(s1!.id), 'ConflictError', 'Step is running; wait for it to finish');
      await expectRejected(h.orchestrator.approveStep(s1!.id), 'ConflictError');
      const qa = await h.orchestrator.runStepQa(s2!.id);
      expect(qa.step.status).toBe('needs_qa');
      expect(qa.job.job_type).toBe('run_quality_job');
      const events = await h.events(run.id);
      expect(events.find((e) => e.event_type === 'manual_approval')?.step_run_id).toBe(s0!.id);
      expect(events.find((e) => e.event_type === 'qa_enqueued')?.metadata).toMatchObject({
        job_id: qa.job.run_id,
        source: 'api',
      });
    });

    it('approving the last step completes the run', async () => {
      const { run, steps } = await h.planned();
      for (const step of steps) await h.orchestrator.approveStep(step.id);
      expect((await h.storage.protocolRuns.get(run.id)).status).toBe('completed');
      expect(await eventTypes(h, run.id)).toContain('protocol_completed');
    });
  });

  describe('open PR, audit, import, CI', () => {
    it('needs a planned run for open_pr and an existing project for audits', async () => {
      const projectId = await h.project();
      const run = await h.orchestrator.createProtocolRun(projectId, { protocol_name: 'p1' });
      await expectRejected(h.orchestrator.openPr(run.id), 'ConflictError', 'Protocol has no branch yet; plan it first');
      await expectRejected(h.orchestrator.auditSpecs({ project_id: 999 }), 'NotFoundError');
      await expectRejected(h.orchestrator.auditSpecs({ protocol_id: 999 }), 'NotFoundError');
      const audit = await h.orchestrator.auditSpecs({ project_id: projectId, backfill_missing: true });
      expect(audit.job).toMatchObject({
        job_type: 'spec_audit_job',
        params: { project_id: projectId, backfill_missing: true },
      });
    });

    it('rejects a CodeMachine import of a missing folder and an unknown project', async () => {
      const projectId = await h.project();
      await expectRejected(
        h.orchestrator.importCodeMachine(projectId, { protocol_name: 'cm', workspace_path: '/definitely/missing' }),
        'ValidationError',
      );
      await expectRejected(
        h.orchestrator.importCodeMachine(999, { protocol_name: 'cm', workspace_path: h.dir.path }),
        'NotFoundError',
      );
    });

    it('finds CI runs by branch and 404s otherwise', async () => {
      await expectRejected(
        h.orchestrator.handleCiStatus({ provider: 'github', status: 'success', branch: 'nope' }),
        'NotFoundError',
        'Protocol run not found for webhook',
      );
      await expectRejected(
        h.orchestrator.handleCiStatus({ provider: 'github', status: 'weird' as never, branch: 'x' }),
        'ValidationError',
      );
      const { run } = await h.planned();
      const result = await h.orchestrator.handleCiStatus({
        provider: 'github',
        status: 'running',
        branch: 'refs/heads/0001-demo',
        event_type: 'workflow_run',
      });
      expect(result.run.id).toBe(run.id);
      expect(result.action).toBe('ci_running');
      expect(await eventTypes(h, run.id)).toContain('workflow_run');
    });
  });
});

describe('more api-facing methods', () => {
  let h: Harness;
  harnessPerTest((created) => (h = created));

  it('planExecution is a dry run of a planned step', async () => {
    const projectId = await h.project();
    const pending = await h.orchestrator.createProtocolRun(projectId, { protocol_name: 'p0' });
    const { run, steps } = await h.planned({ protocol_name: 'p1' });
    const result = await h.orchestrator.planExecution(steps[1]!.id);
    expect(result.step.id).toBe(steps[1]!.id);
    expect(result.plan).toMatchObject({ engine_id: 'shell', sandbox: 'workspace-write', budget: { ok: true } });
    expect(h.fakes.execution.calls).toHaveLength(0);
    expect((await h.storage.protocolRuns.get(run.id)).status).toBe('planned');
    await expectRejected(h.orchestrator.planExecution(424242), 'NotFoundError', 'Step not found');
    expect(pending.status).toBe('pending');
  });

  it('imports a CodeMachine workspace inline (enqueue: false): planned at once, or a 422 that creates nothing', async () => {
    const projectId = await h.project();
    const workspace = join(h.dir.path, 'cm');
    cpSync(CODEMACHINE_WORKSPACE, workspace, { recursive: true });
    // Not a git repository: refused at import, nothing created (its steps could never be committed).
    await expect(
      h.orchestrator.importCodeMachine(projectId, {
        protocol_name: 'cm-plain',
        workspace_path: workspace,
        enqueue: false,
      }),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [{ path: ['workspace_path'], message: expect.stringContaining('not a git repository') }],
    });
    await expectRejected(
      h.orchestrator.importCodeMachine(projectId, { protocol_name: 'cm-plain', workspace_path: workspace }),
      'ValidationError',
    );
    expect(await h.storage.protocolRuns.findByName(projectId, 'cm-plain')).toBeNull();
    initGitWorkspace(workspace);
    const imported = await h.orchestrator.importCodeMachine(projectId, {
      protocol_name: 'cm-inline',
      workspace_path: workspace,
      enqueue: false,
    });
    expect(imported.job).toBeNull();
    expect(imported.run).toMatchObject({
      status: 'planned',
      worktree_path: workspace,
      protocol_root: join(workspace, '.codemachine'),
    });
    expect(imported.run.template_config).toMatchObject({ spec_meta: { status: 'valid' } });
    expect((await h.storage.stepRuns.listByRun(imported.run.id)).map((s) => s.step_name)).toEqual([
      '00-build',
      '01-docs',
    ]);
    expect(await eventTypes(h, imported.run.id)).toEqual(['codemachine_imported']);

    const broken = join(h.dir.path, 'cm-broken');
    mkdirSync(join(broken, '.codemachine', 'config'), { recursive: true });
    writeFileSync(
      join(broken, '.codemachine', 'config', 'main.agents.js'),
      'export default [ { promptPath: "x.md" } ];',
    );
    initGitWorkspace(broken);
    await expectRejected(
      h.orchestrator.importCodeMachine(projectId, {
        protocol_name: 'cm-broken',
        workspace_path: broken,
        enqueue: false,
      }),
      'ValidationError',
    );
    expect(await h.storage.protocolRuns.findByName(projectId, 'cm-broken')).toBeNull();
  });

  it('a dead-lettered setup job fails the setup run', async () => {
    const created = await h.orchestrator.createProject({
      name: 'demo',
      git_url: h.repo.originPath,
      local_path: h.repo.path,
    });
    await h.storage.protocolRuns.transition(created.setup_run.id, { from: 'pending', to: 'running' });
    await h.orchestrator.onJobFailed(created.job, new Error('disk full'));
    expect((await h.storage.protocolRuns.get(created.setup_run.id)).status).toBe('failed');
    const failed = (await h.events(created.setup_run.id)).find((e) => e.event_type === 'job_failed');
    expect(failed?.message).toBe('project_setup_job failed: disk full');
  });
});
