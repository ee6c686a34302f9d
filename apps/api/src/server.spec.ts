import { join } from 'node:path';
import { createClient } from '@tasksgodzilla/client';
import { createTempDir, createTestRepo, waitFor } from '@tasksgodzilla/testing';
import { testRuntime } from './api.test-helpers.js';
import { startApiServer } from './server.js';
import { startSpecAuditSchedule } from './spec-audit-schedule.js';

describe('startApiServer', () => {
  it('listens, runs jobs on the inline worker, and closes the worker and the runtime', async () => {
    const dir = createTempDir('tgz-api-server-');
    const runtime = testRuntime(dir);
    const repo = createTestRepo(join(dir.path, 'git'));
    const server = await startApiServer(runtime, {
      host: '127.0.0.1',
      port: 0,
      inlineWorker: true,
      workerConcurrency: 1,
      shutdownTimeoutMs: 5000,
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.worker?.started).toBe(true);
      const client = createClient({ baseUrl: server.url });
      expect((await client.health()).status).toBe('ok');
      const project = await client.createProject({ name: 'inline', git_url: repo.originPath, local_path: repo.path });
      const summary = await waitFor(
        () => client.getOnboarding(project.id),
        (s) => s.status === 'completed' || s.status === 'blocked',
      );
      expect(summary.status).toBe('completed');
    } finally {
      await server.close();
      dir.remove();
    }
    expect(server.worker?.started).toBe(false);
    await expect(runtime.storage.projects.list()).rejects.toThrow();
  });
});

describe('startSpecAuditSchedule', () => {
  it('enqueues one spec_audit_job per project at start', async () => {
    const dir = createTempDir('tgz-api-audit-');
    const runtime = testRuntime(dir);
    try {
      await runtime.start();
      const a = await runtime.storage.projects.create({ name: 'a', git_url: 'x' });
      const b = await runtime.storage.projects.create({ name: 'b', git_url: 'y' });
      const stop = startSpecAuditSchedule(runtime, 3600);
      const jobs = await waitFor(
        async () => (await runtime.queue.list({ job_type: 'spec_audit_job' })).items,
        (items) => items.length >= 2,
      );
      stop();
      expect(jobs.map((job) => job.project_id).sort()).toEqual([a.id, b.id].sort());
      expect(jobs.every((job) => (job.params as { backfill_missing?: boolean }).backfill_missing === true)).toBe(true);
    } finally {
      await runtime.close();
      dir.remove();
    }
  });
});
