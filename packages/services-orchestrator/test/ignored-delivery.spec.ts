import { harnessPerTest, type Harness } from './harness.js';

describe('recordIgnoredDelivery (issue 15: an ignored delivery that names a run is recorded on it)', () => {
  let h: Harness;
  harnessPerTest((created) => (h = created));

  const skipped = (branch: string | null, delivery: string | null, runId: number | null = null) => ({
    provider: 'github' as const,
    delivery_id: delivery,
    event_type: 'check_run',
    branch,
    value: 'skipped',
    reason: 'value "skipped" is not acted on',
    protocol_run_id: runId,
  });

  it('records webhook_ignored on the run named by branch or id, once per delivery id; a run-less delivery records nothing', async () => {
    const { run } = await h.planned();
    const ignoredEvents = async () => (await h.events(run.id)).filter((e) => e.event_type === 'webhook_ignored');

    expect(await h.orchestrator.recordIgnoredDelivery(skipped(`refs/heads/${run.protocol_name}`, 'd-1'))).toEqual({
      protocol_run_id: run.id,
    });
    // The forge redelivers the same delivery: nothing more.
    await h.orchestrator.recordIgnoredDelivery(skipped(run.protocol_name, 'd-1'));
    // Another delivery, naming the run by id.
    await h.orchestrator.recordIgnoredDelivery(skipped(null, 'd-2', run.id));
    const events = await ignoredEvents();
    expect(events.map((e) => e.metadata?.delivery_id)).toEqual(['d-1', 'd-2']);
    expect(events[0]).toMatchObject({
      message: 'GitHub webhook check_run ignored: value "skipped" is not acted on',
      metadata: { provider: 'github', event_type: 'check_run', value: 'skipped' },
    });

    // No run on that branch (or no branch at all): nothing recorded, no error.
    expect(await h.orchestrator.recordIgnoredDelivery(skipped('someone-elses-branch', 'd-3'))).toEqual({
      protocol_run_id: null,
    });
    expect(await h.orchestrator.recordIgnoredDelivery(skipped(null, null))).toEqual({ protocol_run_id: null });
    expect(await ignoredEvents()).toHaveLength(2);
  });
});
