import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useApi } from './api.test-helpers.js';

// POST /projects/{id}/actions/discover: discovery on its own, as a job (the harness's engine is shell,
// which cannot discover; notes already present make discovery succeed without running anything).

describe('POST /projects/{id}/actions/discover', () => {
  const h = useApi({ project: true });
  const discover = (id: number, body?: unknown) =>
    h.call('POST', `/projects/${id}/actions/discover`, body === undefined ? {} : { body });

  it('202 with the job; a second call while it waits answers with the same job; the ledger shows the outcome', async () => {
    const notes = join(h.repo.path, 'tasksgodzilla');
    mkdirSync(notes, { recursive: true });
    writeFileSync(join(notes, 'DISCOVERY.md'), '# Discovery\n');
    try {
      const first = await discover(h.projectId);
      expect(first.status).toBe(202);
      expect(first.body).toMatchObject({
        message: 'Discovery enqueued',
        job: { job_type: 'project_discovery_job', status: 'queued', payload: { project_id: h.projectId } },
      });
      const jobId = first.body.job.job_id as string;
      const second = await discover(h.projectId, { engine_id: null });
      expect(second.status).toBe(202);
      expect(second.body).toMatchObject({ message: 'Discovery already queued', job: { job_id: jobId } });

      await h.drain();
      const run = await h.call('GET', `/codex/runs/${jobId}`);
      expect(run.body).toMatchObject({
        status: 'succeeded',
        project_id: h.projectId,
        result: { status: 'exists', succeeded: true, notes: ['tasksgodzilla/DISCOVERY.md'], path: h.repo.path },
      });
      const events = await h.call('GET', '/events', { query: { project_id: h.projectId, limit: 50 } });
      const types = (events.body as { event_type: string }[]).map((e) => e.event_type);
      expect(types).toEqual(expect.arrayContaining(['discovery_enqueued', 'setup_discovery_skipped']));
    } finally {
      rmSync(notes, { recursive: true, force: true });
    }
  });

  it('an engine that cannot discover fails the job with the reason, and job_failed is on the project', async () => {
    const started = await discover(h.projectId, { engine_id: 'shell' });
    expect(started.status).toBe(202);
    expect(started.body.job.payload).toMatchObject({ engine_id: 'shell' });
    await h.drain();
    const run = await h.call('GET', `/codex/runs/${started.body.job.job_id as string}`);
    expect(run.body).toMatchObject({ status: 'failed', attempts: 1 });
    expect(run.body.error).toContain('discovery skipped: engine "shell" has no discovery capability');
    const failed = await h.call('GET', '/events', { query: { project_id: h.projectId, limit: 50 } });
    const event = (failed.body as { event_type: string; message: string }[]).find((e) => e.event_type === 'job_failed');
    expect(event?.message).toContain('project_discovery_job failed');
  });

  it('404 unknown project, 422 naming engine_id for an unknown or blank engine, 409 without a checkout', async () => {
    const missing = await discover(999999);
    expect(missing.status).toBe(404);
    const unknown = await discover(h.projectId, { engine_id: 'aider' });
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(unknown.body)).toContain('engine_id');
    expect(JSON.stringify(unknown.body)).toContain('unknown engine');
    const blank = await discover(h.projectId, { engine_id: '  ' });
    expect(blank.status).toBe(422);
    expect(JSON.stringify(blank.body)).toContain('engine_id');

    const remote = await h.call('POST', '/projects', {
      body: { name: 'nowhere', git_url: join(h.dir.path, 'nowhere.git') },
    });
    await h.drain();
    const noCheckout = await discover(remote.body.id as number);
    expect(noCheckout.status).toBe(409);
    expect(noCheckout.body).toMatchObject({ code: 'no_local_checkout' });
  });
});
