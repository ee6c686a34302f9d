import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CODEMACHINE_WORKSPACE } from '@tasksgodzilla/service-testing';
import { harnessPerTest, initGitWorkspace, type Harness } from './harness.js';

/** What a re-run must leave exactly as it was. */
async function state(h: Harness, runId: number) {
  const snap = await h.snapshot(runId);
  return {
    run: snap.run,
    steps: snap.steps,
    events: snap.events.map((e) => e.id),
    jobs: snap.jobs.map((j) => [j.run_id, j.status]),
  };
}

describe.each(['sqlite', 'postgres'] as const)(
  'job handlers are idempotent on %s: running a job twice changes nothing the second time',
  (dialect) => {
    let h: Harness;
    const { it } = harnessPerTest((created) => (h = created), { dialect });

    /** Re-runs `jobId`: its result matches `result` and the run's state is what it was before (returned). */
    async function rerunChangesNothing(runId: number, jobId: string, result?: Record<string, unknown>) {
      const before = await state(h, runId);
      const rerun = await h.rerun(jobId);
      if (result) expect(rerun).toMatchObject({ result });
      expect(await state(h, runId)).toEqual(before);
      return before;
    }

    it('plan_protocol_job', async () => {
      const { run } = await h.planned();
      const job = (await h.storage.jobRuns.list({ protocol_run_id: run.id, job_type: 'plan_protocol_job' })).items[0]!;
      await rerunChangesNothing(run.id, job.run_id, { skipped: true, reason: 'protocol is planned' });
    });

    it('execute_step_job', async () => {
      const { run } = await h.planned();
      const next = await h.orchestrator.runNextStep(run.id);
      await h.drain();
      await rerunChangesNothing(run.id, next.job.run_id, { skipped: true, reason: 'step is needs_qa' });
      expect(h.fakes.execution.calls).toHaveLength(1);
    });

    it('run_quality_job', async () => {
      const { run, steps } = await h.planned();
      await h.orchestrator.runNextStep(run.id);
      await h.drain();
      const qa = await h.orchestrator.runStepQa(steps[0]!.id);
      await h.drain();
      await rerunChangesNothing(run.id, qa.job.run_id, { skipped: true, reason: 'step is completed' });
      expect(h.fakes.quality.calls).toHaveLength(1);
    });

    it('project_setup_job', async () => {
      const created = await h.orchestrator.createProject({
        name: 'demo',
        git_url: h.repo.originPath,
        local_path: h.repo.path,
      });
      await h.drain();
      await rerunChangesNothing(created.setup_run.id, created.job.run_id, { skipped: true });
      expect(h.fakes.onboarding.calls).toHaveLength(1);
    });

    it('open_pr_job', async () => {
      const { run } = await h.planned();
      const pr = await h.orchestrator.openPr(run.id);
      await h.drain();
      // No forge for a local origin: the PR request fails (recorded), the run is not blocked.
      expect((await state(h, run.id)).run.status).toBe('planned');
      expect((await h.events(run.id)).map((e) => e.event_type)).toContain('open_pr_failed');
      await rerunChangesNothing(run.id, pr.job.run_id, { skipped: true, reason: 'already handled' });
    });

    it('codemachine_import_job', async () => {
      const projectId = await h.project();
      const workspace = join(h.dir.path, 'cm');
      cpSync(CODEMACHINE_WORKSPACE, workspace, { recursive: true });
      initGitWorkspace(workspace);
      const imported = await h.orchestrator.importCodeMachine(projectId, {
        protocol_name: 'cm-demo',
        workspace_path: workspace,
      });
      expect(imported.run.status).toBe('planning');
      await h.drain();
      const before = await state(h, imported.run.id);
      expect(before.run.status).toBe('planned');
      expect(before.steps.map((s) => s.step_name)).toEqual(['00-build', '01-docs']);
      await rerunChangesNothing(imported.run.id, imported.job!.run_id, { skipped: true });
    });

    it('spec_audit_job skips a finished run whose protocol folder was removed, leaving its spec_meta as it was', async () => {
      const { run } = await h.planned();
      const cancelled = await h.orchestrator.cancelProtocol(run.id);
      expect(cancelled.status).toBe('cancelled');
      rmSync(run.protocol_root!, { recursive: true, force: true });
      const metaBefore = (await h.storage.protocolRuns.get(run.id)).template_config?.spec_meta;
      await h.orchestrator.auditSpecs({ protocol_id: run.id });
      await h.drain();
      const audits = (await h.events(run.id)).filter((e) => e.event_type === 'spec_audit');
      expect(audits).toHaveLength(1);
      expect(audits[0]!.metadata).toMatchObject({
        skipped: true,
        reason: 'protocol_root_removed',
        status: 'cancelled',
      });
      expect((await h.storage.protocolRuns.get(run.id)).template_config?.spec_meta).toEqual(metaBefore);
    });

    it('spec_audit_job', async () => {
      const { run } = await h.planned();
      const audit = await h.orchestrator.auditSpecs({ protocol_id: run.id });
      await h.drain();
      const audits = (await h.events(run.id)).filter((e) => e.event_type === 'spec_audit');
      expect(audits).toHaveLength(1);
      expect(audits[0]!.metadata).toMatchObject({ status: 'valid', errors: [], backfilled: false });
      await rerunChangesNothing(run.id, audit.job.run_id);
    });
  },
);
