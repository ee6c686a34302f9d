import { jest } from '@jest/globals';
import SQLite from 'better-sqlite3';
import { ConflictError, NotFoundError, ValidationError, type ProtocolStatus } from '@tasksgodzilla/core';
import {
  BACKENDS,
  collectPages,
  expectPatched,
  rejection,
  seed,
  useTestStorage,
} from '../test/test-storage.test-helpers.js';

/** better-sqlite3's Statement prototype (from a throw-away in-memory database, closed at once). */
function statementPrototype(): SQLite.Statement {
  const probe = new SQLite(':memory:');
  try {
    return Object.getPrototypeOf(probe.prepare('select 1')) as SQLite.Statement;
  } finally {
    probe.close();
  }
}

describe.each(BACKENDS)('ProtocolRunRepository on %s', (dialect) => {
  const { it } = useTestStorage(dialect);

  it('creates with defaults, gets, finds and reports missing ids', async ({ storage }) => {
    const project = await seed.project(storage);
    const run = await seed.protocolRun(storage, project.id, '0001-demo');
    expect(run).toEqual({
      id: 1,
      project_id: project.id,
      protocol_name: '0001-demo',
      status: 'pending',
      base_branch: 'main',
      branch_name: null,
      worktree_path: null,
      protocol_root: null,
      description: null,
      template_config: null,
      template_source: null,
      auto_advance: false,
      created_at: '2026-11-27T17:00:00.000Z',
      updated_at: '2026-11-27T17:00:00.000Z',
    });
    expect(await storage.protocolRuns.get(run.id)).toEqual(run);
    expect(await storage.protocolRuns.findByName(project.id, '0001-demo')).toEqual(run);
    expect(await storage.protocolRuns.findByName(project.id, 'nope')).toBeNull();
    expect(await storage.protocolRuns.find(42)).toBeNull();
    const missing = await rejection(storage.protocolRuns.get(42));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.message).toBe('ProtocolRun 42 not found');
  });

  it('finds a run with its project in one statement, or null for a missing or invalid id', async ({
    storage,
    handle,
  }) => {
    await seed.project(storage, 'first');
    const project = await seed.project(storage, 'guarded', {
      secrets: { api_token: 'p-token' },
      default_models: { exec: 'm1' },
      local_path: '/tmp/guarded',
    });
    const run = await seed.protocolRun(storage, project.id, '0001-demo');
    await storage.protocolRuns.mergeTemplateConfig(run.id, { protocol_spec: { steps: [] } });
    const expected = { run: await storage.protocolRuns.get(run.id), project: await storage.projects.get(project.id) };
    // On SQLite a read may run on its statement directly (direct-reads.ts): count what SQLite ran.
    const statements =
      dialect === 'sqlite'
        ? jest.spyOn(statementPrototype(), 'all')
        : jest.spyOn(handle.db.getExecutor(), 'executeQuery');
    try {
      expect(await storage.protocolRuns.findWithProject(run.id)).toEqual(expected);
      expect(statements).toHaveBeenCalledTimes(1);
    } finally {
      statements.mockRestore();
    }
    expect(await storage.protocolRuns.findWithProject(42)).toBeNull();
    expect(await storage.protocolRuns.findWithProject(0)).toBeNull();
  });

  it('maps a missing project to NotFoundError and a bad status to ValidationError', async ({ storage }) => {
    const error = await rejection(
      storage.protocolRuns.create({ project_id: 77, protocol_name: 'x', base_branch: 'main' }),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('Project 77 not found');
    const project = await seed.project(storage);
    await expect(
      storage.protocolRuns.create({
        project_id: project.id,
        protocol_name: 'x',
        base_branch: 'main',
        status: 'bogus' as ProtocolStatus,
      }),
    ).rejects.toThrow(ValidationError);
  });

  it('rejects a duplicate protocol name in the same project with ConflictError', async ({ storage }) => {
    const a = await seed.project(storage, 'a');
    const b = await seed.project(storage, 'b');
    await seed.protocolRun(storage, a.id, '0001-x');
    const error = await rejection(
      storage.protocolRuns.create({ project_id: a.id, protocol_name: '0001-x', base_branch: 'main' }),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(`Protocol run '0001-x' already exists in project ${a.id}`);
    expect(error.code).toBe('protocol_run_exists');
    await expect(
      storage.protocolRuns.create({ project_id: b.id, protocol_name: '0001-x', base_branch: 'main' }),
    ).resolves.toMatchObject({ project_id: b.id });
  });

  it('patches: absent keys kept, null clears, booleans mapped', async ({ storage, clock }) => {
    const project = await seed.project(storage);
    const run = await seed.protocolRun(storage, project.id, '0001-p', {
      branch_name: '0001-p',
      worktree_path: '/wt/0001-p',
      protocol_root: '/wt/0001-p/.protocols/0001-p',
      description: 'do it',
      template_source: { kind: 'template' },
    });
    clock.advance(250);
    await expectPatched(
      (patch) => storage.protocolRuns.update(run.id, patch),
      run,
      { branch_name: null, description: null, auto_advance: true },
      '2026-11-27T17:00:00.250Z',
    );
    expect(await storage.protocolRuns.update(run.id, {})).toMatchObject({
      worktree_path: '/wt/0001-p',
      auto_advance: true,
    });
    await expect(storage.protocolRuns.update(run.id, { auto_advance: null as never })).rejects.toThrow(ValidationError);
    await expect(storage.protocolRuns.update(999, { description: 'x' })).rejects.toThrow(NotFoundError);
  });

  it('replaces and merges template_config; a null key is removed', async ({ storage }) => {
    const project = await seed.project(storage);
    const run = await seed.protocolRun(storage, project.id, 't', { template_config: { a: 1 } });
    expect((await storage.protocolRuns.setTemplateConfig(run.id, { b: 2 })).template_config).toEqual({ b: 2 });
    expect(
      (await storage.protocolRuns.mergeTemplateConfig(run.id, { c: { nested: true }, b: null })).template_config,
    ).toEqual({ c: { nested: true } });
    expect((await storage.protocolRuns.setTemplateConfig(run.id, null)).template_config).toBeNull();
    expect((await storage.protocolRuns.mergeTemplateConfig(run.id, { d: 'x' })).template_config).toEqual({ d: 'x' });
    await expect(storage.protocolRuns.mergeTemplateConfig(999, { a: 1 })).rejects.toThrow(NotFoundError);
  });

  it('keeps every key of 20 concurrent template_config merges', async ({ storage }) => {
    const project = await seed.project(storage);
    const run = await seed.protocolRun(storage, project.id, 'c', { template_config: { base: true } });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => storage.protocolRuns.mergeTemplateConfig(run.id, { [`k${i}`]: i })),
    );
    const config = (await storage.protocolRuns.get(run.id)).template_config;
    expect(Object.keys(config ?? {}).sort()).toEqual(['base', ...Array.from({ length: 20 }, (_, i) => `k${i}`)].sort());
  });

  it('merges inside an open transaction and rolls the merge back with it', async ({ storage }) => {
    const project = await seed.project(storage);
    const run = await seed.protocolRun(storage, project.id, 'tx');
    await storage.transaction(async (tx) => {
      await tx.protocolRuns.mergeTemplateConfig(run.id, { a: 1 });
      await tx.protocolRuns.mergeTemplateConfig(run.id, { b: 2 });
    });
    await expect(
      storage.transaction(async (tx) => {
        await tx.protocolRuns.mergeTemplateConfig(run.id, { c: 3 });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await storage.protocolRuns.get(run.id)).template_config).toEqual({ a: 1, b: 2 });
  });

  it('transitions by compare-and-swap, writing the patch in the same statement', async ({ storage, clock }) => {
    const project = await seed.project(storage);
    const run = await seed.protocolRun(storage, project.id, 's', { branch_name: 'b' });
    clock.advance(5);
    const planning = await storage.protocolRuns.transition(
      run.id,
      { from: ['pending', 'planned', 'paused'], to: 'planning' },
      { branch_name: null, worktree_path: '/wt' },
    );
    expect(planning).toMatchObject({
      status: 'planning',
      branch_name: null,
      worktree_path: '/wt',
      updated_at: '2026-11-27T17:00:00.005Z',
    });

    const stale = await rejection(storage.protocolRuns.transition(run.id, { from: 'pending', to: 'planning' }));
    expect(stale).toBeInstanceOf(ConflictError);
    expect(stale.message).toBe(`ProtocolRun ${run.id} status conflict`);
    expect(stale.code).toBe('protocol_status_conflict');
    expect(stale.details).toMatchObject({ expected: ['pending'], actual: 'planning', to: 'planning' });
    expect((await storage.protocolRuns.get(run.id)).status).toBe('planning');

    const missing = await rejection(storage.protocolRuns.transition(999, { from: 'pending', to: 'planning' }));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.message).toBe('ProtocolRun 999 not found');
  });

  it('keeps terminal runs terminal: illegal transitions are ConflictErrors that change nothing', async ({
    storage,
  }) => {
    const project = await seed.project(storage);
    const run = await seed.protocolRun(storage, project.id, 'term');
    await storage.protocolRuns.transition(run.id, { from: 'pending', to: 'cancelled' });
    const illegal = await rejection(storage.protocolRuns.transition(run.id, { from: 'cancelled', to: 'running' }));
    expect(illegal).toBeInstanceOf(ConflictError);
    expect(illegal.message).toBe('Illegal protocol transition cancelled -> running');
    // A list that includes the current (terminal) status is still illegal from there.
    const fromList = await rejection(
      storage.protocolRuns.transition(run.id, { from: ['blocked', 'cancelled'], to: 'running' }),
    );
    expect(fromList.message).toBe('Illegal protocol transition cancelled -> running');
    // A stale expectation on a terminal run is a status conflict.
    const stale = await rejection(storage.protocolRuns.transition(run.id, { from: 'blocked', to: 'running' }));
    expect(stale.message).toBe(`ProtocolRun ${run.id} status conflict`);
    expect((await storage.protocolRuns.get(run.id)).status).toBe('cancelled');
    await expect(storage.protocolRuns.transition(run.id, { from: [], to: 'running' })).rejects.toThrow(ValidationError);
  });

  it('lets exactly one of 10 concurrent identical transitions win', async ({ storage }) => {
    const project = await seed.project(storage);
    const run = await seed.protocolRun(storage, project.id, 'race');
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => storage.protocolRuns.transition(run.id, { from: 'pending', to: 'planning' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(losers).toHaveLength(9);
    for (const loser of losers) expect(loser.reason).toBeInstanceOf(ConflictError);
  });

  it('finds a run by branch: branch_name first, then protocol_name by full ref or last segment', async ({
    storage,
  }) => {
    const a = await seed.project(storage, 'a');
    const b = await seed.project(storage, 'b');
    const named = await seed.protocolRun(storage, a.id, '0001-feature');
    const branched = await seed.protocolRun(storage, a.id, '0002-other', { branch_name: 'tgz/0001-feature' });
    const nested = await seed.protocolRun(storage, b.id, 'team/0003-x');
    const tagged = await seed.protocolRun(storage, b.id, 'v1.2.0');

    expect((await storage.protocolRuns.findByBranch('refs/heads/tgz/0001-feature'))?.id).toBe(branched.id);
    expect((await storage.protocolRuns.findByBranch('tgz/0001-feature'))?.id).toBe(branched.id);
    expect((await storage.protocolRuns.findByBranch('refs/heads/0001-feature'))?.id).toBe(named.id);
    expect((await storage.protocolRuns.findByBranch('refs/heads/someone/0001-feature'))?.id).toBe(named.id);
    expect((await storage.protocolRuns.findByBranch('refs/heads/team/0003-x'))?.id).toBe(nested.id);
    expect((await storage.protocolRuns.findByBranch('refs/tags/v1.2.0'))?.id).toBe(tagged.id);
    expect(await storage.protocolRuns.findByBranch('refs/heads/unknown')).toBeNull();
    expect(await storage.protocolRuns.findByBranch('')).toBeNull();
    // Project scope.
    expect(await storage.protocolRuns.findByBranch('0001-feature', b.id)).toBeNull();
    expect((await storage.protocolRuns.findByBranch('0001-feature', a.id))?.id).toBe(named.id);
  });

  it('finds the lowest id when several runs match the same branch', async ({ storage }) => {
    const a = await seed.project(storage, 'a');
    const b = await seed.project(storage, 'b');
    const first = await seed.protocolRun(storage, a.id, '0001-x');
    const second = await seed.protocolRun(storage, b.id, '0001-x');
    expect((await storage.protocolRuns.findByBranch('refs/heads/0001-x'))?.id).toBe(first.id);
    expect((await storage.protocolRuns.findByBranch('refs/heads/0001-x', b.id))?.id).toBe(second.id);
    // A full-ref protocol_name match wins over a last-segment match, whatever the ids.
    const segment = await seed.protocolRun(storage, a.id, 'y');
    const full = await seed.protocolRun(storage, a.id, 'x/y');
    expect(segment.id).toBeLessThan(full.id);
    expect((await storage.protocolRuns.findByBranch('refs/heads/x/y'))?.id).toBe(full.id);
  });

  it('lists by project and status, newest first, paging through equal timestamps', async ({ storage, clock }) => {
    const a = await seed.project(storage, 'a');
    const b = await seed.project(storage, 'b');
    for (let i = 1; i <= 4; i += 1) await seed.protocolRun(storage, a.id, `a-${i}`);
    clock.advance(1);
    await seed.protocolRun(storage, a.id, 'a-5', { status: 'running' });
    await seed.protocolRun(storage, b.id, 'b-1', { status: 'running' });

    const pages = await collectPages(
      (cursor) => storage.protocolRuns.list({ project_id: a.id }, { limit: 2, cursor }),
      (r) => r.protocol_name,
    );
    expect(pages).toEqual([['a-5', 'a-4'], ['a-3', 'a-2'], ['a-1']]);

    expect((await storage.protocolRuns.list({ status: 'running' })).items.map((r) => r.protocol_name)).toEqual([
      'b-1',
      'a-5',
    ]);
    expect(
      (await storage.protocolRuns.list({ project_id: a.id, status: 'running' })).items.map((r) => r.protocol_name),
    ).toEqual(['a-5']);
    expect((await storage.protocolRuns.list({ project_id: 99_999_999_999 })).items).toEqual([]);
  });
});
