import { NotFoundError, ValidationError } from '@tasksgodzilla/core';
import type { DatabaseHandle } from '../database.types.js';
import type { Storage } from '../storage.js';
import { BACKENDS, collectPages, rejection, seed, useTestStorage } from '../test/test-storage.test-helpers.js';

async function seedWithStep(storage: Storage) {
  const project = await seed.project(storage);
  const run = await seed.protocolRun(storage, project.id, '0001-demo');
  const step = await seed.step(storage, run.id, 0, '00-setup.md', { step_type: 'setup' });
  return { project, run, step };
}

/** Event `id` as the table stores it (the columns the repository folds into `metadata` included). */
function storedRow(handle: DatabaseHandle, id: number) {
  return handle.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe.each(BACKENDS)('EventRepository on %s', (dialect) => {
  const { it } = useTestStorage(dialect);

  it('appends with request_id / job_id merged into metadata and stored in their columns', async ({
    storage,
    handle,
    clock,
  }) => {
    const { project, run, step } = await seedWithStep(storage);
    clock.set('2026-11-27T17:00:00.042Z');
    const event = await storage.events.append({
      project_id: project.id,
      protocol_run_id: run.id,
      step_run_id: step.id,
      event_type: 'step_started',
      message: 'Step started',
      metadata: { engine_id: 'shell', job_id: 'kept' },
      request_id: 'req-1',
      job_id: 'job-1',
    });
    expect(event).toEqual({
      id: 1,
      project_id: project.id,
      protocol_run_id: run.id,
      step_run_id: step.id,
      event_type: 'step_started',
      message: 'Step started',
      metadata: { engine_id: 'shell', job_id: 'kept', request_id: 'req-1' },
      created_at: '2026-11-27T17:00:00.042Z',
    });
    expect(await storedRow(handle, event.id)).toMatchObject({ request_id: 'req-1', job_id: 'job-1' });
    expect(await storage.events.get(event.id)).toEqual({ ...event, protocol_name: '0001-demo', project_name: 'demo' });
  });

  it('stores empty metadata as null and fills the request_id column from metadata', async ({ storage, handle }) => {
    const { project } = await seedWithStep(storage);
    const empty = await storage.events.append({
      project_id: project.id,
      event_type: 'branches_listed',
      message: 'Listed',
      metadata: {},
    });
    expect(empty.metadata).toBeNull();
    const fromMeta = await storage.events.append({
      project_id: project.id,
      event_type: 'x',
      message: 'm',
      metadata: { request_id: 'r-meta' },
    });
    expect(await storedRow(handle, fromMeta.id)).toMatchObject({
      metadata: '{"request_id":"r-meta"}',
      request_id: 'r-meta',
    });
  });

  it('lists project-level events (no run) with the project name and a null protocol name', async ({ storage }) => {
    const { project, run } = await seedWithStep(storage);
    await storage.events.append({
      project_id: project.id,
      protocol_run_id: run.id,
      event_type: 'planning_started',
      message: 'p',
    });
    await storage.events.append({
      project_id: project.id,
      event_type: 'branches_listed',
      message: 'b',
      metadata: { count: 2 },
    });
    const page = await storage.events.list({ project_id: project.id });
    expect(page.next_cursor).toBeNull();
    expect(page.items.map((e) => [e.event_type, e.protocol_run_id, e.protocol_name, e.project_name])).toEqual([
      ['branches_listed', null, null, 'demo'],
      ['planning_started', run.id, '0001-demo', 'demo'],
    ]);
    expect((await storage.events.list()).items).toHaveLength(2);
    expect((await storage.events.list({ protocol_run_id: run.id })).items.map((e) => e.event_type)).toEqual([
      'planning_started',
    ]);
  });

  it('fills protocol_run_id from the step and rejects mismatched or missing references', async ({ storage }) => {
    const { project, run, step } = await seedWithStep(storage);
    const other = await seed.project(storage, 'other');
    const fromStep = await storage.events.append({
      project_id: project.id,
      step_run_id: step.id,
      event_type: 'qa_passed',
      message: 'ok',
    });
    expect(fromStep.protocol_run_id).toBe(run.id);

    const wrongProject = await rejection(
      storage.events.append({ project_id: other.id, protocol_run_id: run.id, event_type: 'x', message: 'm' }),
    );
    expect(wrongProject).toBeInstanceOf(ValidationError);
    expect(wrongProject.message).toBe(
      `Invalid event: ProtocolRun ${run.id} belongs to project ${project.id}, not ${other.id}`,
    );

    // A step's run is checked against the project too (read with the step in one statement).
    const stepOfOther = await rejection(
      storage.events.append({ project_id: other.id, step_run_id: step.id, event_type: 'x', message: 'm' }),
    );
    expect(stepOfOther).toBeInstanceOf(ValidationError);
    expect(stepOfOther.message).toBe(
      `Invalid event: ProtocolRun ${run.id} belongs to project ${project.id}, not ${other.id}`,
    );

    const otherRun = await seed.protocolRun(storage, project.id, '0002');
    await expect(
      storage.events.append({
        project_id: project.id,
        protocol_run_id: otherRun.id,
        step_run_id: step.id,
        event_type: 'x',
        message: 'm',
      }),
    ).rejects.toThrow(ValidationError);

    const noProject = await rejection(storage.events.append({ project_id: 999, event_type: 'x', message: 'm' }));
    expect(noProject).toBeInstanceOf(NotFoundError);
    expect(noProject.message).toBe('Project 999 not found');
    const noRun = await rejection(
      storage.events.append({ project_id: project.id, protocol_run_id: 999, event_type: 'x', message: 'm' }),
    );
    expect(noRun.message).toBe('ProtocolRun 999 not found');
    const noStep = await rejection(
      storage.events.append({ project_id: project.id, step_run_id: 999, event_type: 'x', message: 'm' }),
    );
    expect(noStep.message).toBe('StepRun 999 not found');
    await expect(storage.events.append({ project_id: project.id, event_type: '', message: 'm' })).rejects.toThrow(
      ValidationError,
    );
    expect((await storage.events.list()).items).toHaveLength(1);
  });

  it('filters by step, by exact type and by prefixes ending in _ or *', async ({ storage }) => {
    const { project, run, step } = await seedWithStep(storage);
    const types = [
      'loop_applied',
      'loopy',
      'LOOP_upper',
      'trigger_applied',
      'trigger_missing',
      'setup_started',
      'step_completed',
    ];
    for (const type of types)
      await storage.events.append({ project_id: project.id, protocol_run_id: run.id, event_type: type, message: type });
    await storage.events.append({
      project_id: project.id,
      step_run_id: step.id,
      event_type: 'step_started',
      message: 's',
    });

    const ofTypes = async (eventTypes: string[]) =>
      (await storage.events.list({ event_types: eventTypes })).items.map((e) => e.event_type).sort();
    expect(await ofTypes(['loop_'])).toEqual(['loop_applied']);
    expect(await ofTypes(['trigger_*'])).toEqual(['trigger_applied', 'trigger_missing']);
    expect(await ofTypes(['loop_', 'setup_*', 'step_completed'])).toEqual([
      'loop_applied',
      'setup_started',
      'step_completed',
    ]);
    expect(await ofTypes(['loop'])).toEqual([]);
    expect(await ofTypes([])).toHaveLength(types.length + 1);
    expect((await storage.events.list({ step_run_id: step.id })).items.map((e) => e.event_type)).toEqual([
      'step_started',
    ]);
    expect((await storage.events.list({ project_id: 99_999_999_999 })).items).toEqual([]);
  });

  it('pages newest first by id with equal timestamps, next_cursor null on the last page', async ({ storage }) => {
    const { project, run } = await seedWithStep(storage);
    for (let i = 1; i <= 5; i += 1)
      await storage.events.append({
        project_id: project.id,
        protocol_run_id: run.id,
        event_type: 'e',
        message: `m${i}`,
      });
    const pages = await collectPages(
      (cursor) => storage.events.list({ protocol_run_id: run.id }, { limit: 2, cursor }),
      (e) => e.message,
    );
    expect(pages).toEqual([['m5', 'm4'], ['m3', 'm2'], ['m1']]);
    expect((await storage.events.list({}, { limit: 5 })).next_cursor).toBeNull();
    expect((await storage.events.list({}, { limit: 0 })).items).toHaveLength(1);
  });

  it('lists oldest first strictly after an id (resumable streams)', async ({ storage }) => {
    const { project, run } = await seedWithStep(storage);
    const ids: number[] = [];
    for (const type of ['a_1', 'b', 'a_2', 'a_3'])
      ids.push(
        (
          await storage.events.append({
            project_id: project.id,
            protocol_run_id: run.id,
            event_type: type,
            message: type,
          })
        ).id,
      );
    expect((await storage.events.listAfter(ids[0]!)).map((e) => e.event_type)).toEqual(['b', 'a_2', 'a_3']);
    expect((await storage.events.listAfter(0, { event_types: ['a_'] }, 2)).map((e) => e.event_type)).toEqual([
      'a_1',
      'a_2',
    ]);
    expect(await storage.events.listAfter(ids[3]!)).toEqual([]);
    const streamed = await storage.events.listAfter(0, { project_id: project.id });
    expect(streamed[0]).toMatchObject({ protocol_name: '0001-demo', project_name: 'demo' });
  });

  it("reads a run's newest events without the names, only that run's, at most the limit", async ({ storage }) => {
    const { project, run } = await seedWithStep(storage);
    const other = await seed.protocolRun(storage, project.id, '0002-other');
    const append = (runId: number, type: string) =>
      storage.events.append({ project_id: project.id, protocol_run_id: runId, event_type: type, message: type });
    const first = await append(run.id, 'a');
    await append(other.id, 'elsewhere');
    await append(run.id, 'b');
    await append(run.id, 'c');
    expect((await storage.events.newestOfRun(run.id, 2)).map((e) => e.event_type)).toEqual(['c', 'b']);
    const all = await storage.events.newestOfRun(run.id, 50);
    expect(all.map((e) => e.event_type)).toEqual(['c', 'b', 'a']);
    const { protocol_name: _run, project_name: _project, ...unnamed } = first;
    expect(all[2]).toEqual(unnamed);
    expect(await storage.events.newestOfRun(999, 50)).toEqual([]);
    expect(await storage.events.newestOfRun(-1, 50)).toEqual([]);
  });

  it('reports a missing event id', async ({ storage }) => {
    const error = await rejection(storage.events.get(12));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('Event 12 not found');
  });
});
