import type { JsonObject, Project, ProtocolRun } from '@tasksgodzilla/core';
import { createReadModels, type OrchestratorReadModels } from '../src/index.js';
import { createHarness, type Harness } from './harness.js';

describe('read models', () => {
  let h: Harness;
  let reads: OrchestratorReadModels;
  const summarized: { project: Project; run: ProtocolRun | null; events: number }[] = [];
  beforeEach(async () => {
    h = await createHarness();
    summarized.length = 0;
    reads = createReadModels({
      storage: h.storage,
      spec: h.spec,
      onboarding: {
        summarize(project, run, events) {
          summarized.push({ project, run, events: events.length });
          return {
            project_id: project.id,
            protocol_run_id: run?.id ?? null,
            status: 'x',
            workspace_path: null,
            hint: null,
            stages: [],
            last_event: events[0] ?? null,
          };
        },
      },
    });
  });
  afterEach(async () => {
    await h.close();
  });

  async function runWith(templateConfig: JsonObject | null): Promise<ProtocolRun> {
    const projectId = await h.project();
    return h.storage.protocolRuns.create({
      project_id: projectId,
      protocol_name: '0001-read',
      status: 'pending',
      base_branch: 'main',
      template_config: templateConfig,
    });
  }

  async function record(run: ProtocolRun, type: string, metadata: JsonObject, stepId: number | null = null) {
    await h.storage.events.append({
      project_id: run.project_id,
      protocol_run_id: run.id,
      step_run_id: stepId,
      event_type: type,
      message: type,
      metadata,
    });
  }

  describe('spec validation', () => {
    const spec = { steps: [{ id: 'a', name: 'a.md' }] };

    it('is unknown without a spec (whatever the events say)', async () => {
      const run = await runWith(null);
      await record(run, 'spec_validation_error', { errors: ['bad'] });
      await expect(reads.protocolRunView(run)).resolves.toEqual({
        run,
        spec_hash: null,
        validation: { status: null, errors: null, validated_at: null },
      });
    });

    it('reads template_config.spec_meta first', async () => {
      const run = await runWith({
        protocol_spec: spec,
        spec_meta: { status: 'invalid', errors: ['one', { two: 2 }], validated_at: '2026-01-01T00:00:00Z' },
      });
      await record(run, 'planned', { spec_validated: true });
      expect(await reads.specValidation(run)).toEqual({
        status: 'invalid',
        errors: ['one', '{"two":2}'],
        validated_at: '2026-01-01T00:00:00Z',
      });
      expect(reads.specHash(run)).toBe(h.spec.hash(spec));
    });

    it('else takes the newest event that says something about validation', async () => {
      const run = await runWith({ protocol_spec: spec });
      expect((await reads.specValidation(run)).status).toBeNull();
      await record(run, 'spec_validation_error', { errors: 'missing step' });
      expect(await reads.specValidation(run)).toMatchObject({ status: 'invalid', errors: ['missing step'] });
      await record(run, 'planning_completed', { spec_validated: true });
      await record(run, 'unrelated', {});
      const valid = await reads.specValidation(run);
      expect(valid).toMatchObject({ status: 'valid', errors: null, validated_at: expect.any(String) });
      const view = await reads.protocolRunView(run);
      expect(view).toMatchObject({ spec_hash: h.spec.hash(spec), validation: valid });
    });

    it("looks only at the run's newest 50 events, not at other runs' events", async () => {
      const run = await runWith({ protocol_spec: spec });
      await record(run, 'spec_validation_error', { errors: ['old'] });
      for (let i = 0; i < 50; i++) await record(run, 'unrelated', {});
      expect((await reads.specValidation(run)).status).toBeNull();
      const other = await h.storage.protocolRuns.create({
        project_id: run.project_id,
        protocol_name: '0002-other',
        base_branch: 'main',
      });
      await record(other, 'planning_completed', { spec_validated: true });
      expect((await reads.specValidation(run)).status).toBeNull();
    });
  });

  it('reads a run with its project, null for a missing run', async () => {
    const run = await runWith(null);
    await expect(reads.protocolRunWithProject(run.id)).resolves.toEqual({
      run,
      project: await reads.project(run.project_id),
    });
    await expect(reads.protocolRunWithProject(run.id + 1000)).resolves.toBeNull();
  });

  describe('steps', () => {
    it("gives the step's newest commit sha from step_completed, ignoring other events and empty values", async () => {
      const run = await runWith(null);
      const step = await h.orchestrator.createStep(run.id, { step_index: 0, step_name: 'a.md', step_type: 'work' });
      expect(await reads.stepCommitSha(step.id)).toBeNull();
      await record(run, 'step_completed', { commit_sha: 'a'.repeat(40) }, step.id);
      await record(run, 'step_completed', { commit_sha: null }, step.id);
      await record(run, 'qa_passed', { commit_sha: 'b'.repeat(40) }, step.id);
      expect(await reads.stepCommitSha(step.id)).toBe('a'.repeat(40));
      await record(run, 'step_completed', { commit_sha: 'c'.repeat(40) }, step.id);
      expect(await reads.stepCommitSha(step.id)).toBe('c'.repeat(40));
    });

    it("gives the log of the step's newest job that recorded one", async () => {
      const run = await runWith(null);
      const step = await h.orchestrator.createStep(run.id, { step_index: 0, step_name: 'a.md', step_type: 'work' });
      expect(await reads.stepLogPath(step.id)).toBeNull();
      const base = {
        job_type: 'execute_step_job',
        protocol_run_id: run.id,
        step_run_id: step.id,
        project_id: run.project_id,
      };
      await h.storage.jobRuns.create({ ...base, run_id: 'j-1', log_path: '/runs/j-1.log' });
      await h.storage.jobRuns.create({ ...base, run_id: 'j-2', log_path: null });
      expect(await reads.stepLogPath(step.id)).toBe('/runs/j-1.log');
    });

    it('pages steps by index with an opaque cursor', async () => {
      const run = await runWith(null);
      for (const index of [2, 0, 1])
        await h.orchestrator.createStep(run.id, { step_index: index, step_name: `${index}.md`, step_type: 'work' });
      const first = await reads.stepPage(run.id, { limit: 2 });
      expect(first.items.map((s) => s.step_index)).toEqual([0, 1]);
      expect(first.next_cursor).toEqual(expect.any(String));
      const second = await reads.stepPage(run.id, { limit: 2, cursor: first.next_cursor });
      expect(second).toMatchObject({ items: [{ step_index: 2 }], next_cursor: null });
      expect((await reads.stepPage(run.id)).items).toHaveLength(3);
    });
  });

  it("summarises onboarding from the project's setup run and its events", async () => {
    const projectId = await h.project();
    const project = (await reads.project(projectId))!;
    const view = await reads.onboarding(project);
    expect(summarized).toHaveLength(1);
    expect(summarized[0]!.run?.protocol_name).toBe(`setup-${projectId}`);
    expect(view.events.map((e) => e.event_type)).toEqual(['setup_enqueued']);
    expect(view.summary).toMatchObject({ project_id: projectId, last_event: { event_type: 'setup_enqueued' } });
  });
});
