import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '@tasksgodzilla/core';
import {
  createCodexEngine,
  createShellEngine,
  type Engine,
  type EngineOperation,
  type EngineRequest,
} from '@tasksgodzilla/platform-engines';
import { createWorkerRunner } from '@tasksgodzilla/platform-queue';
import { CODEMACHINE_WORKSPACE, demoSpec, fakeEngineScript } from '@tasksgodzilla/service-testing';
import { git } from '@tasksgodzilla/testing';
import { openRuntime, type RuntimeHarness } from './runtime-harness.js';

const FAKE_CODEX = fakeEngineScript('codex');

/** An engine whose runs get extra environment variables (how a fake CLI is told which fixture to play). */
function withEnv(engine: Engine, env: Record<string, string>): Engine {
  const run = (operation: EngineOperation, request: EngineRequest) =>
    engine.run(operation, { ...request, env: { ...request.env, ...env } });
  return {
    ...engine,
    plan: (request) => run('plan', request),
    execute: (request) => run('execute', request),
    qa: (request) => run('qa', request),
    run,
  };
}

/** The fake codex CLI playing a recorded planning answer. */
function fakeCodexPlanner(): Engine {
  return withEnv(createCodexEngine({ binary: FAKE_CODEX }), { FAKE_ENGINE_FIXTURE: 'structured-output' });
}

/** 02-docs writes a TODO on its first run (its check fails), the real usage on the next. */
const FLAKY_DOCS = `# 02 - Docs

\`\`\`sh
mkdir -p docs
if [ -f docs/.attempted ]; then
  printf '# Usage\\n\\nRun \`./bin/hello\`.\\n' > docs/USAGE.md
else
  touch docs/.attempted
  printf '# Usage\\n\\nTODO\\n' > docs/USAGE.md
fi
\`\`\`

## Checks

\`\`\`sh
grep -q "bin/hello" docs/USAGE.md
\`\`\`
`;

/** 01-build leaves a marker, then sleeps long enough to be cancelled mid-run. */
const SLOW_BUILD = `# 01 - Build

\`\`\`sh
touch build-started
sleep 30
touch build-finished
\`\`\`

## Checks

\`\`\`sh
test -f build-finished
\`\`\`
`;

describe('protocol lifecycle scenarios through the runtime (shell engine, embedded queue, SQLite)', () => {
  let h: RuntimeHarness;
  afterEach(async () => {
    await h?.close();
  });
  /** Starts a run from the demo template, drains its planning, then enqueues its first step. */
  async function planAndRunNext(protocolName: string) {
    const run = await h.startRun({ protocol_name: protocolName, template: h.template() });
    await h.worker.drain();
    return { run, next: await h.rt.services.orchestrator.runNextStep(run.id) };
  }

  it('QA pass and fail → loop → trigger → completion', async () => {
    h = await openRuntime();
    const run = await h.startRun({
      protocol_name: '0002-loop',
      template: h.template({ '02-docs.md': FLAKY_DOCS }),
      auto_advance: true,
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
    await h.worker.drain();

    expect((await h.run(run.id)).status).toBe('completed');
    const events = await h.events(run.id);
    const types = events.map((e) => e.event_type);
    expect(types).toContain('qa_skipped_policy');
    expect(types.filter((t) => t === 'trigger_enqueued')).toHaveLength(2);
    expect(types.filter((t) => t === 'qa_failed')).toHaveLength(1);
    expect(types.filter((t) => t === 'loop_decision')).toHaveLength(1);
    expect(types.at(-1)).toBe('protocol_completed');
    const failed = events.find((e) => e.event_type === 'qa_failed')!;
    expect(failed.metadata).toMatchObject({ outcome: 'FAIL', policy: 'full' });
    expect(failed.metadata!.report_path).toMatch(/quality\/02-docs-1\.md$/);
    expect(events.find((e) => e.event_type === 'loop_decision')!.metadata).toMatchObject({
      target_step_index: 1,
      iterations: 1,
      reason: 'qa_failed',
    });
    const docs = (await h.steps(run.id))[2]!;
    expect(docs.runtime_state).toMatchObject({ loop_counts: { 'retry-docs': 1 }, last_triggered_by: '01-build.md' });
  });

  it('pause stops a queued step: it goes back to pending and never runs', async () => {
    h = await openRuntime();
    const { orchestrator } = h.rt.services;
    const { run, next } = await planAndRunNext('0003-pause');
    await orchestrator.pauseProtocol(run.id);
    await h.worker.drain();
    const step = (await h.steps(run.id))[0]!;
    expect(step.status).toBe('pending');
    expect(await h.eventTypes(run.id)).toContain('step_deferred');
    expect(existsSync(join((await h.run(run.id)).worktree_path!, 'work', 'setup.txt'))).toBe(false);
    expect((await h.rt.queue.get(next.job.run_id)).status).toBe('succeeded');
    expect((await h.run(run.id)).status).toBe('paused');
  });

  it('cancel cascades: steps cancelled, the running shell step killed, queued jobs cancelled', async () => {
    h = await openRuntime();
    const { orchestrator } = h.rt.services;
    const run = await h.startRun({
      protocol_name: '0004-cancel',
      template: h.template({ '01-build.md': SLOW_BUILD }),
      auto_advance: true,
      template_config: { protocol_spec: demoSpec({ '00-setup.md': { qa: 'skip' } }) },
    });
    h.worker.start();
    const planned = await h.waitFor(
      () => h.run(run.id),
      (r) => r.worktree_path !== null && r.status === 'running',
    );
    const marker = join(planned.worktree_path!, 'build-started');
    await h.waitFor(async () => existsSync(marker), Boolean);
    const job = (
      await h.rt.storage.jobRuns.list({ protocol_run_id: run.id, job_type: 'execute_step_job', status: 'running' })
    ).items[0]!;

    const cancelled = await orchestrator.cancelProtocol(run.id);
    expect(cancelled.status).toBe('cancelled');
    // The engine's process group is killed well before its 30 s sleep ends.
    const finished = await h.waitFor(
      () => h.rt.queue.get(job.run_id),
      (j) => j.status === 'cancelled',
      20_000,
    );
    expect(finished.status).toBe('cancelled');
    await h.worker.stop();
    expect((await h.steps(run.id)).map((s) => s.status)).toEqual(['completed', 'cancelled', 'cancelled']);
    expect((await h.run(run.id)).status).toBe('cancelled');
    expect(existsSync(join(planned.worktree_path!, 'build-finished'))).toBe(false);
    expect(await h.eventTypes(run.id)).toContain('cancelled');
  });

  it('budget exceeded: the step fails, the run is blocked, nothing is retried', async () => {
    h = await openRuntime({ config: { maxTokensPerStep: 1, tokenBudgetMode: 'strict' } });
    const run = await h.startRun({
      protocol_name: '0005-budget',
      template: h.template(),
      auto_advance: true,
    });
    await h.worker.drain();
    expect((await h.run(run.id)).status).toBe('blocked');
    const steps = await h.steps(run.id);
    expect(steps[0]!.status).toBe('failed');
    expect(steps[0]!.summary).toMatch(/Budget exceeded/);
    const events = await h.events(run.id);
    expect(events.map((e) => e.event_type)).toContain('budget_exceeded');
    const jobs = await h.rt.storage.jobRuns.list({ step_run_id: steps[0]!.id });
    expect(jobs.items.map((j) => j.attempts)).toEqual([1]);
  });

  it('an invalid spec ends blocked, never planned', async () => {
    h = await openRuntime();
    const run = await h.startRun({
      protocol_name: '0006-invalid',
      template: h.template(),
      template_config: {
        protocol_spec: demoSpec({
          '01-build.md': { policies: [{ behavior: 'trigger', module_id: 't', trigger_agent_id: 'nobody' }] },
        }),
      },
    });
    await h.worker.drain();
    const blocked = await h.run(run.id);
    expect(blocked.status).toBe('blocked');
    expect(blocked.template_config?.spec_meta).toMatchObject({ status: 'invalid' });
    const types = await h.eventTypes(run.id);
    expect(types).toContain('spec_validation_error');
    expect(types).not.toContain('planned');
    expect(await h.steps(run.id)).toHaveLength(0);
  });

  it('imports a CodeMachine workspace and runs its agents as steps', async () => {
    h = await openRuntime();
    const { orchestrator } = h.rt.services;
    const projectId = await h.project();
    const workspace = join(h.dir.path, 'cm-workspace');
    cpSync(CODEMACHINE_WORKSPACE, workspace, { recursive: true });
    git(workspace, ['init', '-b', 'main']);
    git(workspace, ['add', '-A']);
    git(workspace, ['commit', '-m', 'codemachine workspace']);
    const imported = await orchestrator.importCodeMachine(projectId, {
      protocol_name: 'cm-demo',
      workspace_path: workspace,
      auto_advance: true,
    });
    expect(imported.job?.job_type).toBe('codemachine_import_job');
    await h.worker.drain();
    const planned = await h.run(imported.run.id);
    expect(planned.status).toBe('planned');
    expect(planned.template_source).toMatchObject({ template: 'cm-demo' });
    expect((await h.steps(planned.id)).map((s) => [s.step_name, s.engine_id])).toEqual([
      ['00-build', 'shell'],
      ['01-docs', 'shell'],
    ]);
    const imported_ = (await h.events(planned.id)).find((e) => e.event_type === 'codemachine_imported')!;
    expect(imported_.metadata).toMatchObject({ steps_created: 2, spec_validated: true, workspace });

    await orchestrator.runNextStep(planned.id);
    await h.worker.drain();
    expect((await h.run(planned.id)).status).toBe('completed');
    expect(readFileSync(join(workspace, 'out', 'greeting.txt'), 'utf8')).toBe('bonjour\n');
    expect(existsSync(join(workspace, 'out', 'README.txt'))).toBe(true);
    // The user's workspace is never removed at the end of the run.
    expect(existsSync(workspace)).toBe(true);
  });

  it('onboarding completes, or ends blocked when clarifications are required', async () => {
    h = await openRuntime();
    let created = await h.rt.services.orchestrator.createProject(
      { name: 'demo', git_url: h.repo.originPath, local_path: h.repo.path },
      { requestId: 'req-onboard' },
    );
    await h.worker.drain();
    expect((await h.run(created.setup_run.id)).status).toBe('completed');
    const setupEvents = await h.events(created.setup_run.id);
    // Events written by onboarding inside the job carry the api request id and the job id.
    expect(setupEvents.find((e) => e.event_type === 'setup_completed')!.metadata).toMatchObject({
      request_id: 'req-onboard',
      job_id: created.job.run_id,
    });
    let types = setupEvents.map((e) => e.event_type);
    expect(types[0]).toBe('setup_enqueued');
    expect(types).toEqual(expect.arrayContaining(['setup_started', 'setup_clarifications', 'setup_completed']));
    await h.close();

    h = await openRuntime({ config: { requireOnboardingClarifications: true } });
    created = await h.rt.services.orchestrator.createProject({
      name: 'demo',
      git_url: h.repo.originPath,
      local_path: h.repo.path,
    });
    await h.worker.drain();
    expect((await h.run(created.setup_run.id)).status).toBe('blocked');
    types = await h.eventTypes(created.setup_run.id);
    expect(types).toEqual(expect.arrayContaining(['setup_clarifications', 'setup_blocked']));
    expect(types).not.toContain('setup_completed');
    // Blocked onboarding can be started again.
    const again = await h.rt.services.orchestrator.startOnboarding(created.project.id);
    expect(again.job.job_type).toBe('project_setup_job');
  });

  it('a job that keeps failing is dead-lettered once: job_failed, step failed, run blocked (no state change on the retry)', async () => {
    h = await openRuntime({ config: { jobMaxAttempts: 2 } });
    const { orchestrator } = h.rt.services;
    const { run, next } = await planAndRunNext('0007-dead');
    const seen: string[] = [];
    const runner = createWorkerRunner({
      queue: h.rt.queue,
      handlers: {
        execute_step_job: async () => {
          seen.push(`attempt-${seen.length + 1}:${(await h.steps(run.id))[0]!.status}`);
          throw new Error('flaky infrastructure');
        },
      },
      onFinalFailure: (job, error) => orchestrator.onJobFailed(job, error),
    });
    // The retry waits for its backoff: keep draining until the job is dead-lettered.
    await h.waitFor(
      async () => {
        await runner.drain();
        return h.rt.queue.get(next.job.run_id);
      },
      (job) => job.status === 'failed',
    );
    // The first failure is retried with the step untouched; only the dead letter changes state.
    expect(seen).toEqual(['attempt-1:running', 'attempt-2:running']);
    const job = await h.rt.queue.get(next.job.run_id);
    expect(job).toMatchObject({ status: 'failed', attempts: 2 });
    const events = (await h.events(run.id)).filter((e) => e.event_type === 'job_failed');
    expect(events).toHaveLength(1);
    expect(events[0]!.metadata).toMatchObject({ job_id: next.job.run_id, attempts: 2, error: 'flaky infrastructure' });
    expect((await h.steps(run.id))[0]!.status).toBe('failed');
    expect((await h.run(run.id)).status).toBe('blocked');
  });

  it('a worker that dies on the last attempt: the reclaiming worker dead-letters the job and blocks the run', async () => {
    h = await openRuntime({ config: { jobMaxAttempts: 1 } });
    const { run, next } = await planAndRunNext('0010-crash');
    // A worker claims the step job and dies: nobody renews its one-second lease.
    expect(await h.rt.queue.claim({ workerId: 'crashed-worker', leaseSeconds: 1 })).toMatchObject({
      run_id: next.job.run_id,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await h.worker.drain();
    expect(await h.rt.queue.get(next.job.run_id)).toMatchObject({ status: 'failed', attempts: 1 });
    const failed = (await h.events(run.id)).filter((e) => e.event_type === 'job_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.metadata).toMatchObject({ job_id: next.job.run_id });
    expect((await h.steps(run.id))[0]!.status).toBe('failed');
    expect((await h.run(run.id)).status).toBe('blocked');
  });

  it('plans through an LLM engine CLI (fake codex playing a recorded planning answer)', async () => {
    h = await openRuntime({ engines: [fakeCodexPlanner(), createShellEngine()] });
    const { orchestrator } = h.rt.services;
    const run = await h.startRun({
      protocol_name: '0008-llm',
      engine_id: 'codex',
      description: 'Add a greeting',
      template_config: { decompose: false },
    });
    await h.worker.drain();
    const planned = await h.run(run.id);
    expect(planned.status).toBe('planned');
    expect((await h.steps(run.id)).map((s) => [s.step_name, s.engine_id])).toEqual([
      ['00-setup.md', 'codex'],
      ['01-greeting.md', 'codex'],
    ]);
    expect(readFileSync(join(planned.protocol_root!, 'plan.md'), 'utf8')).toContain('Add greeting');
    const event = (await h.events(run.id)).find((e) => e.event_type === 'planned')!;
    // No planning model configured: none is sent (the CLI chooses), so none is recorded.
    expect(event.metadata).toMatchObject({
      models: { planning: null },
      engine_id: 'codex',
      usage: { phase: 'planning', engine_id: 'codex' },
    });
    expect((event.metadata!.prompt_versions as JsonObject).planning).toEqual(expect.any(String));
    const usage = await orchestrator.usage(run.id);
    expect(usage.by_phase.find((p) => p.phase === 'planning')!.tokens).toBeGreaterThan(0);
  });

  it('decomposes the step files of an engine plan (decompose_started / decompose_completed)', async () => {
    h = await openRuntime({ engines: [fakeCodexPlanner(), createShellEngine()] });
    const run = await h.startRun({
      protocol_name: '0009-decompose',
      engine_id: 'codex',
    });
    await h.worker.drain();
    const events = await h.events(run.id);
    const types = events.map((e) => e.event_type);
    expect(types).toEqual(expect.arrayContaining(['decompose_started', 'decompose_completed', 'planned']));
    expect(events.find((e) => e.event_type === 'decompose_started')!.metadata).toMatchObject({
      steps: ['01-greeting.md'],
    });
    expect((await h.run(run.id)).status).toBe('planned');
  });
});
