import { harnessPerTest, expectRejected, type Harness } from './harness.js';

// Discovery on its own: startDiscovery enqueues project_discovery_job, whose handler runs
// onboarding's discovery and records the outcome in the ledger (and job_failed when it fails).

describe('startDiscovery and project_discovery_job', () => {
  let h: Harness;
  harnessPerTest((created) => (h = created));

  const projectEvents = async (projectId: number, types: string[]) =>
    (await h.storage.events.list({ project_id: projectId, event_types: types }, { limit: 50 })).items;

  it('enqueues the job with discovery_enqueued; a second call while it waits answers with it; the job succeeds with the report', async () => {
    const projectId = await h.project();
    await h.drain(); // onboarding
    const started = await h.orchestrator.startDiscovery(projectId, { engine_id: 'shell' }, { requestId: 'req-d' });
    expect(started.created).toBe(true);
    expect(started.job).toMatchObject({
      job_type: 'project_discovery_job',
      status: 'queued',
      project_id: projectId,
      params: { project_id: projectId, engine_id: 'shell', request_id: 'req-d' },
    });
    const [enqueued] = await projectEvents(projectId, ['discovery_enqueued']);
    expect(enqueued).toMatchObject({ protocol_run_id: null, message: 'Discovery enqueued (engine shell).' });
    expect(enqueued?.metadata).toMatchObject({ job_id: started.job.run_id, engine_id: 'shell', request_id: 'req-d' });

    const again = await h.orchestrator.startDiscovery(projectId);
    expect(again).toMatchObject({ created: false, job: { run_id: started.job.run_id } });

    await h.drain();
    expect(h.fakes.onboarding.discoveries).toEqual([
      expect.objectContaining({
        jobId: started.job.run_id,
        engineId: 'shell',
        project: expect.objectContaining({ id: projectId }),
      }),
    ]);
    const done = await h.storage.jobRuns.get(started.job.run_id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(done.result).toMatchObject({ status: 'completed', succeeded: true, notes: ['tasksgodzilla/DISCOVERY.md'] });
    expect(done.log_path).toMatch(new RegExp(`${started.job.run_id}/logs\\.txt$`));
    // Done: the next call enqueues a new one.
    expect((await h.orchestrator.startDiscovery(projectId)).created).toBe(true);
  });

  it('a discovery that does not succeed fails the job for good, with the reason in the ledger and job_failed on the project', async () => {
    const projectId = await h.project();
    await h.drain();
    h.fakes.onboarding.discovery = {
      status: 'skipped',
      succeeded: false,
      notes: [],
      reason: 'engine "shell" has no discovery capability',
    };
    const { job } = await h.orchestrator.startDiscovery(projectId);
    await h.drain();
    const failed = await h.storage.jobRuns.get(job.run_id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.error).toContain('discovery skipped: engine "shell" has no discovery capability');
    // The runner's dead-letter hook (the runtime wires it; this harness's runner does not).
    await h.orchestrator.onJobFailed(failed, new Error(failed.error ?? ''));
    const [event] = await projectEvents(projectId, ['job_failed']);
    expect(event?.protocol_run_id).toBeNull();
    expect(event?.message).toMatch(
      /^project_discovery_job failed: .*discovery skipped: engine "shell" has no discovery capability$/,
    );
    expect(h.fakes.onboarding.discoveries).toHaveLength(1);
  });

  it('refuses: unknown project (404), unknown engine (422), no checkout yet, onboarding or a discovery running (409)', async () => {
    await expectRejected(h.orchestrator.startDiscovery(999), 'NotFoundError', 'Project 999 not found');
    const projectId = await h.project();
    await expectRejected(h.orchestrator.startDiscovery(projectId, { engine_id: 'aider' }), 'ValidationError');

    const setup = await h.storage.protocolRuns.findByName(projectId, `setup-${projectId}`);
    await h.storage.protocolRuns.transition(setup!.id, { from: 'pending', to: 'running' });
    await expect(h.orchestrator.startDiscovery(projectId)).rejects.toMatchObject({
      name: 'ConflictError',
      code: 'onboarding_running',
    });
    await h.storage.protocolRuns.transition(setup!.id, { from: 'running', to: 'completed' });

    const { job } = await h.orchestrator.startDiscovery(projectId);
    // Take every queued job, the discovery among them: it is running now.
    while (await h.queue.claim({ workerId: 'test-worker' }));
    expect((await h.storage.jobRuns.get(job.run_id)).status).toBe('running');
    await expect(h.orchestrator.startDiscovery(projectId)).rejects.toMatchObject({
      name: 'ConflictError',
      code: 'discovery_running',
      message: 'Discovery already running',
    });

    const bare = await h.orchestrator.createProject({ name: 'remote', git_url: 'https://git.example.test/a/b.git' });
    await expect(h.orchestrator.startDiscovery(bare.project.id)).rejects.toMatchObject({
      name: 'ConflictError',
      code: 'no_local_checkout',
      message: `Project ${bare.project.id} has no local checkout yet: onboard it first`,
    });
    expect(h.fakes.onboarding.discoveries).toHaveLength(0);
  });
});
