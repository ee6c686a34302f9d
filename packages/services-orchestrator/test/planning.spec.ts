import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_TEMPLATE } from '@tasksgodzilla/service-testing';
import { git } from '@tasksgodzilla/testing';
import { harnessPerTest, eventTypes, type Harness } from './harness.js';

describe('planning (plan_protocol_job)', () => {
  let h: Harness;
  harnessPerTest((created) => (h = created));

  it('plans from a template folder: worktree on the protocol branch, files, spec, steps, plan commit, planned', async () => {
    const projectId = await h.project();
    await h.drain();
    const run = await h.orchestrator.createProtocolRun(projectId, {
      protocol_name: '0001-demo',
      template: DEMO_TEMPLATE,
      description: 'demo',
    });
    const started = await h.orchestrator.startProtocol(run.id, { requestId: 'req-1' });
    expect(started.run.status).toBe('planning');
    expect(started.job.job_type).toBe('plan_protocol_job');
    expect(started.job.params).toMatchObject({ protocol_run_id: run.id, request_id: 'req-1' });

    await h.drain();
    const { run: planned, steps, events } = await h.snapshot(run.id);
    expect(planned.status).toBe('planned');
    expect(planned.branch_name).toBe('0001-demo');
    expect(planned.worktree_path).toBeTruthy();
    expect(planned.protocol_root).toBe(join(planned.worktree_path!, '.protocols', '0001-demo'));
    expect(steps.map((s) => s.step_name)).toEqual(['00-setup.md', '01-build.md', '02-docs.md']);
    expect(steps.every((s) => s.status === 'pending' && s.engine_id === 'shell')).toBe(true);
    expect(existsSync(join(planned.protocol_root!, 'plan.md'))).toBe(true);
    expect(planned.template_config).toMatchObject({
      template_dir: DEMO_TEMPLATE,
      spec_origin: 'generated',
      spec_meta: { status: 'valid' },
    });

    const plannedEvent = events.find((e) => e.event_type === 'planned')!;
    expect(plannedEvent.metadata).toMatchObject({
      steps_created: 3,
      spec_validated: true,
      protocol_root: planned.protocol_root,
      request_id: 'req-1',
    });
    expect(plannedEvent.metadata?.job_id).toBe(started.job.run_id);
    expect(typeof plannedEvent.metadata?.spec_hash).toBe('string');
    expect(await eventTypes(h, run.id)).toEqual(['planning_enqueued', 'planned']);

    expect(git(planned.worktree_path!, ['log', '-1', '--format=%s'])).toBe('0001-demo: plan');
    // The plan commit is pushed to origin on the protocol branch.
    expect(git(h.repo.originPath, ['log', '-1', '--format=%s', '0001-demo'])).toBe('0001-demo: plan');
  });

  it('ends blocked with spec_validation_error events when the spec is invalid (never planned)', async () => {
    const projectId = await h.project();
    const run = await h.orchestrator.createProtocolRun(projectId, {
      protocol_name: '0002-invalid',
      template: DEMO_TEMPLATE,
      template_config: {
        protocol_spec: {
          steps: [{ id: 'x', name: '01-x.md', engine_id: 'shell', prompt_ref: 'missing.md', qa: { policy: 'skip' } }],
        },
      },
    });
    await h.orchestrator.startProtocol(run.id);
    await h.drain();
    const { run: blocked, steps, events } = await h.snapshot(run.id);
    expect(blocked.status).toBe('blocked');
    expect(steps).toHaveLength(0);
    const errors = events.filter((e) => e.event_type === 'spec_validation_error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.message).toMatch(/prompt_ref missing/);
    expect(events.some((e) => e.event_type === 'planned')).toBe(false);
    expect(blocked.template_config).toMatchObject({ spec_meta: { status: 'invalid' }, spec_origin: 'user' });
  });

  it('blocks with planning_failed when the template folder does not exist', async () => {
    const projectId = await h.project();
    const run = await h.orchestrator.createProtocolRun(projectId, {
      protocol_name: '0003-missing',
      template: join(h.dir.path, 'nope'),
    });
    await h.orchestrator.startProtocol(run.id);
    await h.drain();
    const { run: blocked, events } = await h.snapshot(run.id);
    expect(blocked.status).toBe('blocked');
    expect(events.map((e) => e.event_type)).toContain('planning_failed');
  });

  it('refuses to plan with the shell engine without a template', async () => {
    const projectId = await h.project();
    const run = await h.orchestrator.createProtocolRun(projectId, { protocol_name: '0004-no-template' });
    await h.orchestrator.startProtocol(run.id);
    await h.drain();
    const { run: blocked, events } = await h.snapshot(run.id);
    expect(blocked.status).toBe('blocked');
    expect(events.find((e) => e.event_type === 'planning_failed')?.message).toMatch(/template folder/);
  });

  it('honours a caller spec on re-plan and rebuilds a generated one', async () => {
    const run = await h.started({ protocol_name: '0005-replan' });
    await h.drain();
    const first = await h.storage.protocolRuns.get(run.id);
    await expect(h.orchestrator.startProtocol(run.id)).rejects.toMatchObject({
      name: 'ConflictError',
      code: 'protocol_already_planned',
    });
    await h.orchestrator.startProtocol(run.id, { replan: true });
    await h.drain();
    const second = await h.storage.protocolRuns.get(run.id);
    expect(second.status).toBe('planned');
    expect((await h.storage.stepRuns.listByRun(run.id)).length).toBe(3);
    expect(second.template_config?.spec_meta).toBeDefined();
    expect(readFileSync(join(second.protocol_root!, '01-build.md'), 'utf8')).toContain('hello');
    expect(first.branch_name).toBe(second.branch_name);
  });
});
