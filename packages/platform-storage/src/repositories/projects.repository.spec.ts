import { NotFoundError, ValidationError } from '@tasksgodzilla/core';
import {
  BACKENDS,
  collectPages,
  expectPatched,
  rejection,
  seed,
  useTestStorage,
} from '../test/test-storage.test-helpers.js';

describe.each(BACKENDS)('ProjectRepository on %s', (dialect) => {
  const { it } = useTestStorage(dialect);

  it('creates with defaults and reads back exact ISO timestamps with milliseconds', async ({ storage, clock }) => {
    clock.set('2026-11-27T17:00:00.123Z');
    const created = await storage.projects.create({ name: 'demo', git_url: 'https://example.invalid/demo.git' });
    expect(created).toEqual({
      id: 1,
      name: 'demo',
      git_url: 'https://example.invalid/demo.git',
      base_branch: 'main',
      local_path: null,
      ci_provider: null,
      secrets: null,
      default_models: null,
      created_at: '2026-11-27T17:00:00.123Z',
      updated_at: '2026-11-27T17:00:00.123Z',
    });
    expect(await storage.projects.get(created.id)).toEqual(created);
    expect(await storage.projects.find(created.id)).toEqual(created);
  });

  it('stores JSON objects as given, empty ones included', async ({ storage }) => {
    const project = await storage.projects.create({
      name: 'json',
      git_url: '/tmp/repo',
      ci_provider: 'gitlab',
      secrets: {},
      default_models: { planning: 'p-model', exec: 'e-model' },
    });
    expect(project.secrets).toEqual({});
    expect(project.default_models).toEqual({ planning: 'p-model', exec: 'e-model' });
    expect(project.ci_provider).toBe('gitlab');
  });

  it('reads bad JSON in a column as null', async ({ storage, handle }) => {
    const project = await storage.projects.create({ name: 'bad', git_url: '/tmp/repo', secrets: { a: 1 } });
    await handle.db
      .updateTable('projects')
      .set({ secrets: '{not json', default_models: '[1,2]' })
      .where('id', '=', project.id)
      .execute();
    const read = await storage.projects.get(project.id);
    expect(read.secrets).toBeNull();
    expect(read.default_models).toBeNull();
  });

  it('throws NotFoundError for a missing id and find returns null', async ({ storage }) => {
    const error = await rejection(storage.projects.get(999));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('Project 999 not found');
    expect(await storage.projects.find(999)).toBeNull();
    expect(await storage.projects.find(99_999_999_999)).toBeNull();
    await expect(storage.projects.update(999, { name: 'x' })).rejects.toThrow(NotFoundError);
  });

  it('updates only present keys, clears on null and bumps updated_at', async ({ storage, clock }) => {
    const project = await seed.project(storage, 'p', {
      base_branch: 'develop',
      local_path: '/work/p',
      ci_provider: 'github',
      secrets: { api_token: 't' },
      default_models: { qa: 'q' },
    });
    clock.advance(1500);
    const updated = await expectPatched(
      (patch) => storage.projects.update(project.id, patch),
      project,
      { local_path: null, ci_provider: null, secrets: null, name: 'renamed' },
      '2026-11-27T17:00:01.500Z',
    );
    expect(await storage.projects.get(project.id)).toEqual(updated);
  });

  it('rejects invalid input with ValidationError and writes nothing', async ({ storage }) => {
    await expect(storage.projects.create({ name: '', git_url: '/tmp/x' })).rejects.toThrow(ValidationError);
    await expect(
      storage.projects.create({ name: 'x', git_url: '/tmp/x', ci_provider: 'bitbucket' as never }),
    ).rejects.toThrow(ValidationError);
    const project = await seed.project(storage, 'ok');
    await expect(storage.projects.update(project.id, { name: null as never })).rejects.toThrow(ValidationError);
    await expect(storage.projects.update(project.id, { base_branch: null as never })).rejects.toThrow(ValidationError);
    expect((await storage.projects.list()).items.map((p) => p.name)).toEqual(['ok']);
  });

  it('pages newest first with ties on created_at broken by id', async ({ storage, clock }) => {
    for (let i = 1; i <= 5; i += 1) await storage.projects.create({ name: `same-${i}`, git_url: '/tmp/x' });
    clock.advance(10);
    await storage.projects.create({ name: 'newest', git_url: '/tmp/x' });

    const names = await collectPages(
      (cursor) => storage.projects.list({ limit: 2, cursor }),
      (p) => p.name,
    );
    expect(names).toEqual([
      ['newest', 'same-5'],
      ['same-4', 'same-3'],
      ['same-2', 'same-1'],
    ]);

    const all = await storage.projects.list({ limit: 6 });
    expect(all.items).toHaveLength(6);
    expect(all.next_cursor).toBeNull();
  });

  it('rejects a cursor it did not issue', async ({ storage }) => {
    await expect(storage.projects.list({ cursor: 'garbage' })).rejects.toThrow(ValidationError);
  });

  it('allows two projects with the same name', async ({ storage }) => {
    await storage.projects.create({ name: 'twin', git_url: '/tmp/a' });
    await expect(storage.projects.create({ name: 'twin', git_url: '/tmp/b' })).resolves.toMatchObject({ name: 'twin' });
  });
});
