import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@tasksgodzilla/core';
import { createLogger } from '@tasksgodzilla/platform-telemetry';
import { createRuntime, type Runtime } from '@tasksgodzilla/runtime';
import { createTempDir, createTestRepo, testRuntimeConfig, waitFor, type TempDir } from '@tasksgodzilla/testing';
import { startWorkerProcess } from './worker-process.js';

function runtimeIn(dir: TempDir): Runtime {
  return createRuntime(loadConfig({}, testRuntimeConfig(dir.path)), { logger: createLogger({ level: 'silent' }) });
}

describe('startWorkerProcess', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = createTempDir('tgz-worker-');
  });
  afterEach(() => {
    dir.remove();
  });

  it('claims and runs jobs, and serves /health and /metrics', async () => {
    const runtime = runtimeIn(dir);
    const repo = createTestRepo(join(dir.path, 'git'));
    const worker = await startWorkerProcess(runtime, {
      host: '127.0.0.1',
      port: 0,
      concurrency: 1,
      workerId: 'worker-test',
      pollIntervalMs: 20,
      maxPollIntervalMs: 100,
    });
    try {
      const { setup_run } = await runtime.services.orchestrator.createProject({
        name: 'w',
        git_url: repo.originPath,
        local_path: repo.path,
      });
      const run = await waitFor(
        () => runtime.storage.protocolRuns.get(setup_run.id),
        (r) => r.status === 'completed' || r.status === 'blocked',
      );
      expect(run.status).toBe('completed');

      const health = await fetch(`${worker.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({
        status: 'ok',
        db: { ok: true },
        queue: { ok: true },
        worker: { id: 'worker-test', started: true },
      });
      const metrics = await fetch(`${worker.url}/metrics`);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      expect(await metrics.text()).toMatch(/jobs_processed_total\{job_type="project_setup_job",status="completed"\} 1/);
      expect((await fetch(`${worker.url}/nope`)).status).toBe(404);
      expect((await fetch(`${worker.url}/health`, { method: 'POST' })).status).toBe(405);
    } finally {
      await worker.close();
    }
    expect(worker.runner.started).toBe(false);
    expect(worker.server.listening).toBe(false);
  });

  it('on a graceful stop, releases a job that outlives the timeout so another worker can take it', async () => {
    const runtime = runtimeIn(dir);
    const repo = createTestRepo(join(dir.path, 'git'));
    const template = join(dir.path, 'slow-template');
    mkdirSync(template, { recursive: true });
    writeFileSync(join(template, 'plan.md'), '# Plan\n\nOne slow step.\n');
    writeFileSync(join(template, '00-setup.md'), '# 00 - Setup\n\n```sh\nsleep 30\n```\n');
    const worker = await startWorkerProcess(runtime, {
      host: '127.0.0.1',
      port: 0,
      concurrency: 1,
      shutdownTimeoutMs: 200,
      pollIntervalMs: 20,
      maxPollIntervalMs: 100,
    });
    const { orchestrator } = runtime.services;
    const { project } = await orchestrator.createProject({
      name: 'slow',
      git_url: repo.originPath,
      local_path: repo.path,
    });
    const run = await orchestrator.createProtocolRun(project.id, {
      protocol_name: '0001-slow',
      template,
      auto_advance: true,
    });
    await orchestrator.startProtocol(run.id);
    const job = await waitFor(
      async () => (await runtime.queue.list({ job_type: 'execute_step_job' })).items[0],
      (found) => found?.status === 'running',
    );
    // close() also closes the runtime, so read the ledger through a second runtime on the same file.
    await worker.close();
    const reader = runtimeIn(dir);
    try {
      const released = await reader.queue.get(job!.run_id);
      expect(released.status).toBe('queued');
      expect(released.attempts).toBe(0);
    } finally {
      await reader.close();
    }
  });
});
