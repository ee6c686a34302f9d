import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '@tasksgodzilla/testing';
import { harnessPerTest, type Harness } from './harness.js';

// The commands the api edge calls instead of doing the work itself: remote branches, webhook
// deliveries and runs started outside the queue.
describe('api edge commands', () => {
  let h: Harness;
  harnessPerTest((created) => (h = created));

  async function projectEvents(projectId: number) {
    return (await h.storage.events.list({ project_id: projectId }, { limit: 500 })).items.reverse();
  }

  describe('remote branches', () => {
    it("lists the origin's branches and records branches_listed as a project event", async () => {
      git(h.repo.path, ['push', '-q', 'origin', 'main:feature/listed']);
      const projectId = await h.project();
      const branches = await h.orchestrator.listBranches(projectId, { requestId: 'req-list' });
      expect(branches).toEqual(expect.arrayContaining(['main', 'feature/listed']));
      const [event] = (await projectEvents(projectId)).filter((e) => e.event_type === 'branches_listed');
      expect(event).toMatchObject({ protocol_run_id: null, metadata: { project_id: projectId, branches } });
      expect(event!.metadata).toMatchObject({ request_id: 'req-list' });
    });

    it('deletes a branch on origin and records branch_deleted', async () => {
      git(h.repo.path, ['push', '-q', 'origin', 'main:feature/old']);
      const projectId = await h.project();
      await expect(
        h.orchestrator.deleteRemoteBranch(projectId, 'feature/old', { requestId: 'req-del' }),
      ).resolves.toEqual({ deleted: true, branch: 'feature/old' });
      expect(git(h.repo.originPath, ['branch', '--list', 'feature/old'])).toBe('');
      const types = (await projectEvents(projectId)).map((e) => e.event_type);
      expect(types).toContain('branch_deleted');
    });

    it('refuses the base branch and the branch of an unfinished run (409), and deletes neither', async () => {
      const projectId = await h.project();
      await expect(h.orchestrator.deleteRemoteBranch(projectId, 'main')).rejects.toMatchObject({
        category: 'conflict',
        code: 'branch_is_base',
        message: "Branch main is the project's base branch; it cannot be deleted",
      });
      git(h.repo.path, ['push', '-q', 'origin', 'main:0001-busy']);
      const run = await h.orchestrator.createProtocolRun(projectId, { protocol_name: '0001-busy' });
      await expect(h.orchestrator.deleteRemoteBranch(projectId, '0001-busy')).rejects.toMatchObject({
        category: 'conflict',
        code: 'branch_in_use',
      });
      expect(git(h.repo.originPath, ['branch', '--list', '0001-busy'])).toContain('0001-busy');
      // Once the run has ended the branch may go.
      await h.orchestrator.cancelProtocol(run.id);
      await expect(h.orchestrator.deleteRemoteBranch(projectId, '0001-busy')).resolves.toMatchObject({ deleted: true });
      expect((await projectEvents(projectId)).map((e) => e.event_type)).not.toContain('branch_delete_failed');
    });

    it('answers a branch origin lacks with 404 and a missing checkout with 409, without cloning', async () => {
      const projectId = await h.project();
      await expect(h.orchestrator.deleteRemoteBranch(projectId, 'feature/nope')).rejects.toMatchObject({
        category: 'not_found',
        code: 'branch_not_found',
      });
      const absent = await h.orchestrator.createProject({ name: 'absent', git_url: join(h.dir.path, 'absent.git') });
      await expect(h.orchestrator.listBranches(absent.project.id)).rejects.toMatchObject({
        category: 'conflict',
        code: 'repository_missing',
        message: expect.stringMatching(/^Repository not present locally at /),
      });
      await expect(h.orchestrator.listBranches(999_999)).rejects.toMatchObject({ category: 'not_found' });
    });

    it('records branch_delete_failed and answers 409 when the remote refuses', async () => {
      git(h.repo.path, ['push', '-q', 'origin', 'main:feature/protected']);
      const hook = join(h.repo.originPath, 'hooks', 'pre-receive');
      writeFileSync(hook, '#!/bin/sh\necho protected >&2\nexit 1\n');
      chmodSync(hook, 0o755);
      const projectId = await h.project();
      await expect(h.orchestrator.deleteRemoteBranch(projectId, 'feature/protected')).rejects.toMatchObject({
        category: 'conflict',
        code: 'branch_delete_failed',
        message: 'Failed to delete remote branch feature/protected',
      });
      expect(git(h.repo.originPath, ['branch', '--list', 'feature/protected'])).toContain('feature/protected');
      const failed = (await projectEvents(projectId)).filter((e) => e.event_type === 'branch_delete_failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]!.metadata).toMatchObject({ branch: 'feature/protected', project_id: projectId });
    });
  });

  describe('webhook deliveries', () => {
    it('processes a delivery once; a redelivery is a duplicate; a failed delivery is processed again', async () => {
      const { run } = await h.planned({ auto_advance: false });
      const status = { protocol_run_id: run.id, provider: 'github' as const, status: 'running' as const };
      const first = await h.orchestrator.handleCiDelivery({ provider: 'github', delivery_id: 'd-1', status });
      expect(first).toMatchObject({ duplicate: false, result: { action: expect.any(String) } });
      const again = await h.orchestrator.handleCiDelivery({ provider: 'github', delivery_id: 'd-1', status });
      expect(again).toEqual({ duplicate: true, result: null });
      // The same id from another forge is another delivery.
      await expect(
        h.orchestrator.handleCiDelivery({
          provider: 'gitlab',
          delivery_id: 'd-1',
          status: { ...status, provider: 'gitlab' },
        }),
      ).resolves.toMatchObject({ duplicate: false });

      const missing = { ...status, protocol_run_id: 999_999 };
      await expect(
        h.orchestrator.handleCiDelivery({ provider: 'github', delivery_id: 'd-2', status: missing }),
      ).rejects.toThrow();
      // Released: the forge's redelivery is processed (and fails the same way, not answered as a duplicate).
      await expect(
        h.orchestrator.handleCiDelivery({ provider: 'github', delivery_id: 'd-2', status: missing }),
      ).rejects.toThrow();
      // Without a delivery id every report is processed.
      for (let i = 0; i < 2; i += 1)
        await expect(
          h.orchestrator.handleCiDelivery({ provider: 'github', delivery_id: null, status }),
        ).resolves.toMatchObject({
          duplicate: false,
        });
    });
  });

  describe('runs started outside the queue', () => {
    const logs: (string | null)[] = [];
    const logPath = (path: string) => async (existing: { log_path: string | null } | null) => {
      logs.push(existing?.log_path ?? null);
      return path;
    };

    it('registers a running run of the external queue, restarts it while running, and refuses anything else', async () => {
      const created = await h.orchestrator.startExternalRun({
        run_id: 'ext-1',
        job_type: 'codex_exec',
        params: { a: 1 },
        project_id: null,
        log_path: logPath('/runs/ext-1/logs.txt'),
      });
      expect(created).toMatchObject({
        run_id: 'ext-1',
        queue: 'external',
        status: 'running',
        params: { a: 1 },
        log_path: '/runs/ext-1/logs.txt',
        started_at: expect.any(String),
      });
      const restarted = await h.orchestrator.startExternalRun({
        run_id: 'ext-1',
        job_type: 'codex_exec',
        prompt_version: 'v2',
        project_id: null,
        log_path: logPath('/runs/ext-1/again.txt'),
      });
      expect(restarted).toMatchObject({ params: { a: 1 }, prompt_version: 'v2', log_path: '/runs/ext-1/again.txt' });
      expect(logs).toEqual([null, '/runs/ext-1/logs.txt']);

      await h.storage.jobRuns.update('ext-1', { status: 'succeeded' });
      await expect(
        h.orchestrator.startExternalRun({ run_id: 'ext-1', job_type: 'x', project_id: null, log_path: logPath('/x') }),
      ).rejects.toMatchObject({ category: 'conflict', code: 'run_status_conflict' });
      const projectId = await h.project();
      const [setupJob] = (await h.storage.jobRuns.list({ project_id: projectId })).items;
      await expect(
        h.orchestrator.startExternalRun({
          run_id: setupJob!.run_id,
          job_type: 'x',
          project_id: null,
          log_path: logPath('/x'),
        }),
      ).rejects.toMatchObject({ category: 'conflict', code: 'run_is_queue_job' });
      // A refused restart prepares no log.
      expect(logs).toHaveLength(2);
    });
  });
});
