import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { getLogContext } from '@tasksgodzilla/platform-telemetry';
import { useApi } from './api.test-helpers.js';

interface Job {
  job_id: string;
  job_type: string;
  status: string;
  payload: Record<string, unknown>;
}

describe('queues, jobs and spec audits', () => {
  const h = useApi({ project: true });

  it('GET /queues gives counts per queue in the original layout', async () => {
    const res = await h.call('GET', '/queues');
    expect(res.status).toBe(200);
    expect(res.body.backend).toBe('embedded');
    expect(res.body.default).toMatchObject({ queued: 0, running: 0, failed: 0, cancelled: 0 });
    expect(res.body.default.succeeded).toBeGreaterThanOrEqual(1);
  });

  it('lists jobs by status (the original names too), pages, and validates the status', async () => {
    const succeeded = await h.call<Job[]>('GET', '/queues/jobs', { query: { status: 'finished' } });
    expect(succeeded.status).toBe(200);
    expect(succeeded.body.map((j) => j.job_type)).toContain('project_setup_job');
    expect(succeeded.body.every((j) => j.status === 'succeeded')).toBe(true);
    expect(succeeded.body[0]!.payload.job_id).toBe(succeeded.body[0]!.job_id);
    expect((await h.call<Job[]>('GET', '/queues/jobs', { query: { status: 'started' } })).body).toEqual([]);
    const bad = await h.call('GET', '/queues/jobs', { query: { status: 'exploded' } });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(['query', 'status']);
  });

  it("cancelling a step's queued job moves the step on (failed, run blocked); run_next_step then takes it again", async () => {
    const { id, steps } = await h.planned(h.projectId, '0009-cancel-job');
    const next = await h.call('POST', `/protocols/${id}/actions/run_next_step`);
    expect(next.status).toBe(200);
    // The step is moved on inside a log scope carrying the cancelling request's id.
    const { storage } = h.runtime;
    const transaction = storage.transaction;
    const seen: unknown[] = [];
    const spy = jest.spyOn(storage, 'transaction').mockImplementation(function (this: unknown, ...args) {
      seen.push(getLogContext().request_id);
      return (transaction as (...a: unknown[]) => unknown).apply(this, args) as never;
    });
    const cancelled = await h
      .call('POST', `/queues/jobs/${next.body.job.job_id}/cancel`, { headers: { 'x-request-id': 'req-cancel' } })
      .finally(() => spy.mockRestore());
    expect(cancelled.body).toMatchObject({ message: 'Job cancelled' });
    expect(seen).toContain('req-cancel');
    expect((await h.call('GET', `/steps/${steps[0]!.id}`)).body.status).toBe('failed');
    expect((await h.call('GET', `/protocols/${id}`)).body.status).toBe('blocked');
    const again = await h.call('POST', `/protocols/${id}/actions/run_next_step`);
    expect(again.status).toBe(200);
    expect(again.body.job.job_id).not.toBe(next.body.job.job_id);
    await h.drain();
    expect((await h.call('GET', `/steps/${steps[0]!.id}`)).body.status).not.toBe('running');
  });

  it('cancels a queued job, retries it, and refuses to retry a queued one', async () => {
    const audit = await h.call('POST', '/specs/audit', {
      body: { project_id: h.projectId, backfill: true, interval_seconds: 60 },
    });
    expect(audit.status).toBe(200);
    expect(audit.body.message).toBe('Spec audit enqueued.');
    expect(audit.body.job).toMatchObject({
      job_type: 'spec_audit_job',
      status: 'queued',
      payload: { project_id: h.projectId, backfill_missing: true },
    });
    const jobId = audit.body.job.job_id as string;

    const notYet = await h.call('POST', `/queues/jobs/${jobId}/retry`);
    expect(notYet.status).toBe(409);
    const cancelled = await h.call('POST', `/queues/jobs/${jobId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ message: 'Job cancelled', job: { job_id: jobId, status: 'cancelled' } });
    const retried = await h.call('POST', `/queues/jobs/${jobId}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({
      message: 'Job re-enqueued',
      job: { job_id: jobId, status: 'queued', attempts: 0 },
    });
    await h.drain();
    expect(
      (
        await h.call<Job[]>('GET', '/queues/jobs', { query: { status: 'succeeded', job_type: 'spec_audit_job' } })
      ).body.map((j) => j.job_id),
    ).toContain(jobId);

    expect((await h.call('POST', '/queues/jobs/nope/cancel')).status).toBe(404);
    expect((await h.call('POST', '/queues/jobs/nope/retry')).status).toBe(404);
  });

  it('audits specs of one run or everything, with 404 for unknown ids', async () => {
    const all = await h.call('POST', '/specs/audit', { body: {} });
    expect(all.status).toBe(200);
    expect(all.body.job.payload).toMatchObject({ project_id: null, protocol_id: null, backfill_missing: false });
    expect((await h.call('POST', '/specs/audit', { body: { project_id: 999999 } })).status).toBe(404);
    expect((await h.call('POST', '/specs/audit', { body: { protocol_id: 999999 } })).status).toBe(404);
    expect((await h.call('POST', '/specs/audit', { body: { backfill: 'yes' } })).status).toBe(422);
    await h.drain();
  });
});

describe('codex runs (the job ledger)', () => {
  const h = useApi();

  it('round-trips a run: start, list, get, logs, HTML page (reference acceptance case 7)', async () => {
    const started = await h.call('POST', '/codex/runs/start', {
      body: { job_type: 'bootstrap', params: { foo: 'bar' }, prompt_version: 'v1', cost_tokens: 10 },
    });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({
      job_type: 'bootstrap',
      status: 'running',
      params: { foo: 'bar' },
      prompt_version: 'v1',
      cost_tokens: 10,
    });
    const runId = started.body.run_id as string;
    expect(started.body.log_path).toBe(join(h.runtime.config.runsDir, runId, 'logs.txt'));
    expect(existsSync(started.body.log_path)).toBe(true);
    writeFileSync(started.body.log_path, 'hello log\n');

    const list = await h.call<{ run_id: string }[]>('GET', '/codex/runs', { query: { job_type: 'bootstrap' } });
    expect(list.body.map((r) => r.run_id)).toContain(runId);
    expect((await h.call('GET', `/codex/runs/${runId}`)).body.status).toBe('running');
    const logs = await h.call('GET', `/codex/runs/${runId}/logs`);
    expect(logs.status).toBe(200);
    expect(logs.text).toBe('hello log\n');
    const page = await h.call('GET', '/console/runs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('<h1>Codex Runs</h1>');
    expect(page.text).toContain(`/codex/runs/${runId}/logs`);

    // Restarting the same run updates it in place.
    const again = await h.call('POST', '/codex/runs/start', {
      body: { job_type: 'ignored', run_id: runId, params: { foo: 'baz' } },
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ run_id: runId, job_type: 'bootstrap', params: { foo: 'baz' } });
  });

  it('keeps log_path inside the runs folder, for writing and for reading', async () => {
    const outside = await h.call('POST', '/codex/runs/start', { body: { job_type: 'x', log_path: '/etc/passwd' } });
    expect(outside.status).toBe(422);
    const dotdot = await h.call('POST', '/codex/runs/start', { body: { job_type: 'x', log_path: '../escape.txt' } });
    expect(dotdot.status).toBe(422);
    const link = join(h.runtime.config.runsDir, 'link');
    mkdirSync(h.runtime.config.runsDir, { recursive: true });
    symlinkSync(h.dir.path, link);
    const throughLink = await h.call('POST', '/codex/runs/start', {
      body: { job_type: 'x', log_path: 'link/evil.txt' },
    });
    expect(throughLink.status).toBe(422);
    expect(existsSync(join(h.dir.path, 'evil.txt'))).toBe(false);
    const inside = await h.call('POST', '/codex/runs/start', {
      body: { job_type: 'x', run_id: 'custom-1', log_path: 'custom/run.log' },
    });
    expect(inside.status).toBe(200);
    expect(inside.body.log_path).toBe(join(h.runtime.config.runsDir, 'custom', 'run.log'));

    // A ledger row that points outside (written by something else) is never read.
    await h.runtime.storage.jobRuns.create({
      run_id: 'foreign',
      job_type: 'x',
      status: 'running',
      queue: 'external',
      log_path: '/etc/hostname',
    });
    const read = await h.call('GET', '/codex/runs/foreign/logs');
    expect(read.status).toBe(400);
    expect(read.body.detail).toBe('Log path is outside the runs folder');

    expect((await h.call('GET', '/codex/runs/missing')).body.detail).toBe('Run not found');
    expect((await h.call('GET', '/codex/runs/missing/logs')).body.detail).toBe('Run not found');
    await h.runtime.storage.jobRuns.create({ run_id: 'no-log', job_type: 'x', status: 'running', queue: 'external' });
    expect((await h.call('GET', '/codex/runs/no-log/logs')).body.detail).toBe('Log path not recorded');
    const gone = await h.call('POST', '/codex/runs/start', { body: { job_type: 'x', run_id: 'gone' } });
    writeFileSync(gone.body.log_path, '');
    rmSync(gone.body.log_path);
    expect((await h.call('GET', '/codex/runs/gone/logs')).body.detail).toBe('Log file not found');
    expect((await h.call('POST', '/codex/runs/start', { body: { job_type: 'x', run_id: '../../x' } })).status).toBe(
      422,
    );
    expect((await h.call('GET', '/console/runs', { query: { limit: 0 } })).status).toBe(422);
  });
});
