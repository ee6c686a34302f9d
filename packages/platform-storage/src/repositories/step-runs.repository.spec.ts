import { ConflictError, NotFoundError, ValidationError } from '@tasksgodzilla/core';
import { BACKENDS, expectPatched, rejection, seed, useTestStorage } from '../test/test-storage.test-helpers.js';

describe.each(BACKENDS)('StepRunRepository on %s', (dialect) => {
  const { it } = useTestStorage(dialect);

  it('creates with defaults, gets and reports missing ids', async ({ storage }) => {
    const run = await seed.run(storage);
    const step = await seed.step(storage, run.id, 0, '00-setup.md', {
      step_type: 'setup',
      model: 'm',
      policy: [{ module_id: 'loop', behavior: 'loop', max_iterations: 2 }],
      summary: 'Prepare',
    });
    expect(step).toEqual({
      id: 1,
      protocol_run_id: run.id,
      step_index: 0,
      step_name: '00-setup.md',
      step_type: 'setup',
      status: 'pending',
      retries: 0,
      model: 'm',
      engine_id: null,
      policy: [{ module_id: 'loop', behavior: 'loop', max_iterations: 2 }],
      runtime_state: null,
      summary: 'Prepare',
      created_at: '2026-11-27T17:00:00.000Z',
      updated_at: '2026-11-27T17:00:00.000Z',
    });
    expect(await storage.stepRuns.get(step.id)).toEqual(step);
    expect(await storage.stepRuns.find(55)).toBeNull();
    const missing = await rejection(storage.stepRuns.get(55));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.message).toBe('StepRun 55 not found');
  });

  it('maps a missing run to NotFoundError, a duplicate name to ConflictError, bad input to ValidationError', async ({
    storage,
  }) => {
    const missingRun = await rejection(
      storage.stepRuns.create({ protocol_run_id: 404, step_index: 0, step_name: 'a', step_type: 'work' }),
    );
    expect(missingRun).toBeInstanceOf(NotFoundError);
    expect(missingRun.message).toBe('ProtocolRun 404 not found');

    const run = await seed.run(storage);
    await seed.step(storage, run.id, 1, '01-a.md');
    const duplicate = await rejection(
      storage.stepRuns.create({ protocol_run_id: run.id, step_index: 2, step_name: '01-a.md', step_type: 'work' }),
    );
    expect(duplicate).toBeInstanceOf(ConflictError);
    expect(duplicate.message).toBe(`Step '01-a.md' already exists in protocol run ${run.id}`);
    expect(duplicate.code).toBe('step_run_exists');

    await expect(
      storage.stepRuns.create({ protocol_run_id: run.id, step_index: -1, step_name: 'neg', step_type: 'work' }),
    ).rejects.toThrow(ValidationError);
    expect((await storage.stepRuns.listByRun(run.id)).map((s) => s.step_name)).toEqual(['01-a.md']);
  });

  it('allows the same step name in another run', async ({ storage }) => {
    const run = await seed.run(storage);
    const other = await seed.protocolRun(storage, run.project_id, '0002-other');
    await seed.step(storage, run.id, 0, '00-setup.md', { step_type: 'setup' });
    await expect(
      storage.stepRuns.create({
        protocol_run_id: other.id,
        step_index: 0,
        step_name: '00-setup.md',
        step_type: 'setup',
      }),
    ).resolves.toMatchObject({
      protocol_run_id: other.id,
    });
  });

  it('lists by step_index then id, and finds the latest updated step with ties broken by id', async ({
    storage,
    clock,
  }) => {
    const run = await seed.run(storage);
    const two = await seed.step(storage, run.id, 2, '02-b.md');
    const zero = await seed.step(storage, run.id, 0, '00-setup.md', { step_type: 'setup' });
    const oneA = await seed.step(storage, run.id, 1, '01-a.md');
    const oneB = await seed.step(storage, run.id, 1, '01-b.md');
    expect((await storage.stepRuns.listByRun(run.id)).map((s) => s.id)).toEqual([zero.id, oneA.id, oneB.id, two.id]);
    expect(await storage.stepRuns.listByRun(999)).toEqual([]);

    // All created at the same instant: the highest id wins the tie.
    expect((await storage.stepRuns.latest(run.id))?.id).toBe(oneB.id);
    clock.advance(1);
    await storage.stepRuns.update(zero.id, { summary: 'touched' });
    expect((await storage.stepRuns.latest(run.id))?.id).toBe(zero.id);
    expect(await storage.stepRuns.latest(999)).toBeNull();
  });

  it('patches: absent keys kept, null clears, runtime_state replaced', async ({ storage, clock }) => {
    const run = await seed.run(storage);
    const step = await seed.step(storage, run.id, 0, '01-a.md', {
      model: 'm1',
      engine_id: 'codex',
      summary: 's',
      policy: { behavior: 'trigger' },
    });
    clock.advance(10);
    await expectPatched(
      (patch) => storage.stepRuns.update(step.id, patch),
      step,
      { model: null, summary: null, retries: 2, runtime_state: { loop_counts: { a: 1 } } },
      '2026-11-27T17:00:00.010Z',
    );
    expect((await storage.stepRuns.update(step.id, { runtime_state: { other: true } })).runtime_state).toEqual({
      other: true,
    });
    expect(await storage.stepRuns.update(step.id, { policy: null, runtime_state: null })).toMatchObject({
      policy: null,
      runtime_state: null,
      engine_id: 'codex',
    });
    await expect(storage.stepRuns.update(step.id, { retries: null as never })).rejects.toThrow(ValidationError);
    await expect(storage.stepRuns.update(999, { summary: 'x' })).rejects.toThrow(NotFoundError);
  });

  it('merges runtime_state, removing keys set to null, and keeps all of 20 concurrent merges', async ({ storage }) => {
    const run = await seed.run(storage);
    const step = await seed.step(storage, run.id, 0, '01-a.md');
    expect((await storage.stepRuns.mergeRuntimeState(step.id, { a: 1, b: 2 })).runtime_state).toEqual({ a: 1, b: 2 });
    expect((await storage.stepRuns.mergeRuntimeState(step.id, { a: null, c: [1] })).runtime_state).toEqual({
      b: 2,
      c: [1],
    });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => storage.stepRuns.mergeRuntimeState(step.id, { [`k${i}`]: i })),
    );
    const state = (await storage.stepRuns.get(step.id)).runtime_state ?? {};
    expect(Object.keys(state)).toHaveLength(22);
    await expect(storage.stepRuns.mergeRuntimeState(999, { a: 1 })).rejects.toThrow(NotFoundError);
  });

  it('transitions by compare-and-swap with a patch, and reports stale and illegal moves', async ({
    storage,
    clock,
  }) => {
    const run = await seed.run(storage);
    const step = await seed.step(storage, run.id, 0, '01-a.md', { summary: 'old' });
    clock.advance(3);
    const running = await storage.stepRuns.transition(
      step.id,
      { from: ['pending', 'blocked', 'failed'], to: 'running' },
      { retries: 1, summary: null },
    );
    expect(running).toMatchObject({
      status: 'running',
      retries: 1,
      summary: null,
      updated_at: '2026-11-27T17:00:00.003Z',
    });

    const stale = await rejection(storage.stepRuns.transition(step.id, { from: 'pending', to: 'running' }));
    expect(stale).toBeInstanceOf(ConflictError);
    expect(stale.message).toBe(`StepRun ${step.id} status conflict`);
    expect(stale.code).toBe('step_status_conflict');

    await storage.stepRuns.transition(step.id, { from: 'running', to: 'completed' });
    // Loop policies may send a completed step back to pending.
    await storage.stepRuns.transition(step.id, { from: 'completed', to: 'pending' });
    await storage.stepRuns.transition(step.id, { from: 'pending', to: 'cancelled' });
    const illegal = await rejection(
      storage.stepRuns.transition(step.id, { from: 'cancelled', to: 'running' }, { summary: 'resurrected' }),
    );
    expect(illegal).toBeInstanceOf(ConflictError);
    expect(illegal.message).toBe('Illegal step transition cancelled -> running');
    expect(await storage.stepRuns.get(step.id)).toMatchObject({ status: 'cancelled', summary: null });

    const missing = await rejection(storage.stepRuns.transition(999, { from: 'pending', to: 'running' }));
    expect(missing).toBeInstanceOf(NotFoundError);
  });
});
