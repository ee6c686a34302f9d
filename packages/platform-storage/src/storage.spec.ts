import { ConflictError } from '@tasksgodzilla/core';
import { BACKENDS, useTestStorage } from './test/test-storage.test-helpers.js';

describe.each(BACKENDS)('createStorage transactions on %s', (dialect) => {
  const { it } = useTestStorage(dialect);

  it("builds each repository once, on first use, bound to the storage's or the transaction's executor", async ({
    storage,
  }) => {
    expect(storage.jobRuns).toBe(storage.jobRuns);
    await expect(
      storage.transaction(async (tx) => {
        expect(tx.jobRuns).toBe(tx.jobRuns);
        expect(tx.jobRuns).not.toBe(storage.jobRuns);
        expect(await tx.transaction(async (inner) => inner.jobRuns)).toBe(tx.jobRuns);
        await tx.jobRuns.create({ run_id: 'in-tx', job_type: 't' });
        expect(await tx.jobRuns.find('in-tx')).not.toBeNull();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await storage.jobRuns.find('in-tx')).toBeNull();
  });

  it('rolls back every repository write when the callback throws, and skips afterCommit hooks', async ({ storage }) => {
    let hookRuns = 0;
    await expect(
      storage.transaction(async (tx) => {
        const project = await tx.projects.create({ name: 'p', git_url: '/tmp/p' });
        const run = await tx.protocolRuns.create({ project_id: project.id, protocol_name: 'r', base_branch: 'main' });
        await tx.stepRuns.create({ protocol_run_id: run.id, step_index: 0, step_name: 's', step_type: 'work' });
        await tx.events.append({
          project_id: project.id,
          protocol_run_id: run.id,
          event_type: 'protocol_created',
          message: 'created',
        });
        await tx.jobRuns.create({ run_id: 'job-1', job_type: 'plan_protocol_job' });
        await tx.protocolRuns.transition(run.id, { from: 'pending', to: 'planning' });
        tx.afterCommit(() => {
          hookRuns += 1;
        });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(hookRuns).toBe(0);
    expect((await storage.projects.list()).items).toEqual([]);
    expect((await storage.protocolRuns.list()).items).toEqual([]);
    expect((await storage.events.list()).items).toEqual([]);
    expect(await storage.jobRuns.find('job-1')).toBeNull();
  });

  it('rolls back earlier writes when a later one conflicts', async ({ storage }) => {
    const project = await storage.projects.create({ name: 'p', git_url: '/tmp/p' });
    const run = await storage.protocolRuns.create({ project_id: project.id, protocol_name: 'r', base_branch: 'main' });
    await expect(
      storage.transaction(async (tx) => {
        await tx.protocolRuns.transition(run.id, { from: 'pending', to: 'planning' });
        await tx.events.append({
          project_id: project.id,
          protocol_run_id: run.id,
          event_type: 'planning_started',
          message: 'p',
        });
        await tx.protocolRuns.create({ project_id: project.id, protocol_name: 'r', base_branch: 'main' });
      }),
    ).rejects.toThrow(ConflictError);
    expect((await storage.protocolRuns.get(run.id)).status).toBe('pending');
    expect((await storage.events.list()).items).toEqual([]);
  });

  it('runs afterCommit hooks once committed, in order, nested ones included; a failing hook is reported', async ({
    storage,
    hookErrors,
  }) => {
    const seen: string[] = [];
    const result = await storage.transaction(async (tx) => {
      const project = await tx.projects.create({ name: 'p', git_url: '/tmp/p' });
      tx.afterCommit(async () => {
        // Committed: visible outside the transaction.
        seen.push(`first:${(await storage.projects.get(project.id)).name}`);
      });
      tx.afterCommit(() => {
        throw new Error('hook failed');
      });
      await tx.transaction(async (inner) => {
        await inner.jobRuns.create({ run_id: 'job-1', job_type: 'plan_protocol_job' });
        inner.afterCommit(async () => {
          seen.push(`nested:${(await storage.jobRuns.get('job-1')).status}`);
        });
      });
      seen.push('body done');
      return project.id;
    });
    expect(result).toBe(1);
    expect(seen).toEqual(['body done', 'first:p', 'nested:queued']);
    expect(hookErrors).toHaveLength(1);
    expect((hookErrors[0] as Error).message).toBe('hook failed');
  });
});
