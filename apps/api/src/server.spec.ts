import { join } from 'node:path';
import { createClient } from '@tasksgodzilla/client';
import { loadConfig } from '@tasksgodzilla/core';
import { createLogger } from '@tasksgodzilla/platform-telemetry';
import { createRuntime, type Runtime } from '@tasksgodzilla/runtime';
import { createTempDir, createTestRepo, type TempDir } from '@tasksgodzilla/testing';
import { startApiServer } from './server.js';
import { startSpecAuditSchedule } from './spec-audit-schedule.js';

function runtimeIn(dir: TempDir): Runtime {
  const config = loadConfig(
    {},
    {
      dataDir: dir.path,
      dbPath: join(dir.path, 'tgz.sqlite'),
      runsDir: join(dir.path, 'runs'),
      projectsRoot: join(dir.path, 'projects'),
      defaultEngine: 'shell',
      logLevel: 'silent',
    },
  );
  return createRuntime(config, { logger: createLogger({ level: 'silent' }) });
}

async function waitFor<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('startApiServer', () => {
  it('listens, runs jobs on the inline worker, and closes the worker and the runtime', async () => {
    const dir = createTempDir('tgz-api-server-');
    const runtime = runtimeIn(dir);
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
    const runtime = runtimeIn(dir);
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
