import { jest } from '@jest/globals';
import { BACKENDS, seed, useTestStorage } from './test/test-storage.test-helpers.js';
import { transactNow } from './direct-reads.js';
import { reusableQuery } from './reusable-query.js';

describe.each(BACKENDS)('reusableQuery on %s', (dialect) => {
  const { it } = useTestStorage(dialect);

  it('compiles once per shape and runs each call with its own values, lists included', async ({ storage, handle }) => {
    const alpha = await seed.project(storage, 'alpha');
    const beta = await seed.project(storage, 'beta');
    const gamma = await seed.project(storage, 'gamma');
    let builds = 0;
    const named = reusableQuery((db, [ids, name]: [readonly number[], string], shape) => {
      builds += 1;
      let query = db.selectFrom('projects').select(['id', 'name']).where('id', 'in', ids).orderBy('id');
      if (shape === 'not') query = query.where('name', '<>', name);
      else query = query.where('name', '=', name);
      return query;
    });

    expect(await named.rows(handle.db, [[alpha.id, beta.id], 'beta'])).toEqual([{ id: beta.id, name: 'beta' }]);
    expect(await named.rows(handle.db, [[alpha.id, gamma.id], 'alpha'])).toEqual([{ id: alpha.id, name: 'alpha' }]);
    expect(builds).toBe(1);
    // Another list length and another shape are other statements.
    expect(await named.rows(handle.db, [[alpha.id, beta.id, gamma.id], 'beta'])).toEqual([
      { id: beta.id, name: 'beta' },
    ]);
    expect(await named.rows(handle.db, [[alpha.id, beta.id, gamma.id], 'beta'], 'not')).toEqual([
      { id: alpha.id, name: 'alpha' },
      { id: gamma.id, name: 'gamma' },
    ]);
    expect(builds).toBe(3);
    expect(named.compiled(handle.db, [[alpha.id], 'x']).parameters).toEqual([alpha.id, 'x']);
    expect(await named.first(handle.db, [[gamma.id], 'nobody'])).toBeUndefined();
  });

  it("runs inside the caller's transaction and sees its uncommitted writes", async ({ storage, handle }) => {
    const project = await seed.project(storage, 'before');
    const byId = reusableQuery((db, [id]: [number]) => db.selectFrom('projects').select('name').where('id', '=', id));
    await handle.db.transaction().execute(async (trx) => {
      await trx.updateTable('projects').set({ name: 'inside' }).where('id', '=', project.id).execute();
      expect(await byId.first(trx, [project.id])).toEqual({ name: 'inside' });
    });
    expect(await byId.first(handle.db, [project.id])).toEqual({ name: 'inside' });
  });
});

describe('reusableQuery on SQLite, connection free', () => {
  const { it } = useTestStorage('sqlite');

  it("reads and writes at once on the statement, without Kysely's executor; in a transaction through it", async ({
    storage,
    handle,
  }) => {
    const project = await seed.project(storage, 'alpha');
    const byId = reusableQuery((db, [id]: [number]) => db.selectFrom('projects').select('name').where('id', '=', id));
    const rename = reusableQuery((db, [id, name]: [number, string]) =>
      db.updateTable('projects').set({ name }).where('id', '=', id).returning('name'),
    );
    const executed = jest.spyOn(handle.db, 'executeQuery');
    try {
      expect(await byId.first(handle.db, [project.id])).toEqual({ name: 'alpha' });
      expect(executed).not.toHaveBeenCalled();
      // A write on a free connection commits on its own, as through Kysely.
      expect(await rename.first(handle.db, [project.id, 'beta'])).toEqual({ name: 'beta' });
      expect(executed).not.toHaveBeenCalled();
      await handle.db.transaction().execute(async (trx) => {
        expect(await byId.first(trx, [project.id])).toEqual({ name: 'beta' });
        expect(await rename.first(trx, [project.id, 'gamma'])).toEqual({ name: 'gamma' });
      });
      expect(executed).not.toHaveBeenCalled();
      expect(await byId.first(handle.db, [project.id])).toEqual({ name: 'gamma' });
    } finally {
      executed.mockRestore();
    }
  });

  it('waits for a transaction under way: a read from outside it never sees what it rolls back', async ({
    storage,
    handle,
  }) => {
    const project = await seed.project(storage, 'before');
    const byId = reusableQuery((db, [id]: [number]) => db.selectFrom('projects').select('name').where('id', '=', id));
    let letEnd = (): void => undefined;
    const held = new Promise<void>((resolve) => {
      letEnd = resolve;
    });
    let updated = (): void => undefined;
    const written = new Promise<void>((resolve) => {
      updated = resolve;
    });
    const transaction = handle.db.transaction().execute(async (trx) => {
      await trx.updateTable('projects').set({ name: 'inside' }).where('id', '=', project.id).execute();
      updated();
      await held;
      throw new Error('rolled back');
    });
    await written;
    const read = byId.first(handle.db, [project.id]);
    letEnd();
    await expect(transaction).rejects.toThrow('rolled back');
    expect(await read).toEqual({ name: 'before' });
  });

  it('runs a transaction at once on a free connection: it commits, or rolls back when it throws', async ({
    storage,
    handle,
  }) => {
    const project = await seed.project(storage, 'before');
    const byId = reusableQuery((db, [id]: [number]) => db.selectFrom('projects').select('name').where('id', '=', id));
    const rename = reusableQuery((db, [id, name]: [number, string]) =>
      db.updateTable('projects').set({ name }).where('id', '=', id).returning('name'),
    );
    const done = transactNow(handle.db, (run) => {
      run(rename.compiled(handle.db, [project.id, 'first']));
      return run(rename.compiled(handle.db, [project.id, 'second']));
    });
    expect(done).toEqual({ value: [{ name: 'second' }] });
    expect(() =>
      transactNow(handle.db, (run) => {
        run(rename.compiled(handle.db, [project.id, 'lost']));
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(await byId.first(handle.db, [project.id])).toEqual({ name: 'second' });
    // A transaction under way holds the connection: the caller goes through Kysely instead.
    await handle.db.transaction().execute(async (trx) => {
      await trx.updateTable('projects').set({ name: 'inside' }).where('id', '=', project.id).execute();
      expect(transactNow(handle.db, () => 'never')).toBeUndefined();
    });
    expect(await byId.first(handle.db, [project.id])).toEqual({ name: 'inside' });
  });

  it('reads after a write started before it, awaited or not', async ({ storage, handle }) => {
    const project = await seed.project(storage, 'before');
    const byId = reusableQuery((db, [id]: [number]) => db.selectFrom('projects').select('name').where('id', '=', id));
    const write = handle.db.updateTable('projects').set({ name: 'after' }).where('id', '=', project.id).execute();
    expect(await byId.first(handle.db, [project.id])).toEqual({ name: 'after' });
    await write;
  });
});
