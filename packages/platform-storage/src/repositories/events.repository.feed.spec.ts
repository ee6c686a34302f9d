import type { ControlledTransaction } from 'kysely';
import { sql } from 'kysely';
import type { DatabaseSchema } from '../schema.js';
import type { Storage } from '../storage.js';
import { BACKENDS, useTestStorage, type TestStorage } from '../test/test-storage.test-helpers.js';
import type { EventFeed } from './event-feed.js';
import { createRepositories } from './index.js';

async function twoProjects(storage: Storage) {
  const a = await storage.projects.create({ name: 'a', git_url: '/tmp/a' });
  const b = await storage.projects.create({ name: 'b', git_url: '/tmp/b' });
  return { a: a.id, b: b.id };
}

const note = (storage: Pick<Storage, 'events'>, projectId: number, message: string) =>
  storage.events.append({ project_id: projectId, event_type: 'note', message });

/** Messages of everything the feed delivers now (reads until it says nothing more is readable). */
async function drain(feed: EventFeed, limit?: number): Promise<string[]> {
  const messages: string[] = [];
  for (;;) {
    const batch = await feed.read(limit);
    messages.push(...batch.events.map((event) => event.message));
    if (!batch.more) return messages;
  }
}

/**
 * Reads until `count` events came. A gap is released once every transaction of the PostgreSQL cluster
 * that was open when it was seen has ended: another database's transaction may hold it a moment.
 */
async function readUntil(feed: EventFeed, count: number): Promise<string[]> {
  const messages: string[] = [];
  const deadline = Date.now() + 30_000;
  while (messages.length < count && Date.now() < deadline)
    messages.push(...(await feed.read()).events.map((event) => event.message));
  return messages;
}

describe.each(BACKENDS)('EventRepository.feed on %s', (dialect) => {
  const { it } = useTestStorage(dialect);

  it('refuses to open inside a transaction, and the transaction still commits what it wrote', async ({ storage }) => {
    const { a } = await twoProjects(storage);
    let refusal: unknown;
    await storage.transaction(async (tx) => {
      await note(tx, a, 'written in the transaction');
      refusal = await tx.events.feed({}, 0).then(
        () => null,
        (error: unknown) => error,
      );
    });
    expect(refusal).toBeInstanceOf(Error);
    expect((refusal as Error).message).toBe('An event feed must read through the database, not a transaction');
    expect(await drain(await storage.events.feed({}, 0))).toEqual(['written in the transaction']);
  });

  it('delivers the filter’s events once, oldest first, and moves past other events', async ({ storage }) => {
    const { a, b } = await twoProjects(storage);
    const feed = await storage.events.feed({ project_id: a }, 0);
    for (const [project, message] of [
      [a, 'a1'],
      [b, 'b1'],
      [a, 'a2'],
      [b, 'b2'],
    ] as const)
      await note(storage, project, message);
    expect(await drain(feed)).toEqual(['a1', 'a2']);
    expect(feed.position).toBe(4);
    expect(await drain(feed)).toEqual([]);
    await note(storage, a, 'a3');
    expect(await drain(feed)).toEqual(['a3']);
  });

  it('starts after the newest event when no id is given, and resumes strictly after a given id', async ({
    storage,
  }) => {
    const { a } = await twoProjects(storage);
    const first = await note(storage, a, 'old');
    const fromNow = await storage.events.feed({});
    expect(fromNow.position).toBe(first.id);
    await note(storage, a, 'new');
    expect(await drain(fromNow)).toEqual(['new']);
    expect(await drain(await storage.events.feed({}, first.id))).toEqual(['new']);
    expect(await drain(await storage.events.feed({}, -3))).toEqual(['old', 'new']);
    expect(await drain(await storage.events.feed({}, 1e12))).toEqual([]);
  });

  it('scans at most `limit` ids per read and says when more are readable', async ({ storage }) => {
    const { a, b } = await twoProjects(storage);
    for (const message of ['a1', 'a2', 'a3']) await note(storage, a, message);
    await note(storage, b, 'b1');
    const feed = await storage.events.feed({ project_ids: [b] }, 0);
    expect(await feed.read(2)).toEqual({ events: [], more: true });
    const second = await feed.read(2);
    expect([second.events.map((e) => e.message), second.more]).toEqual([['b1'], true]);
    expect(await feed.read(2)).toEqual({ events: [], more: false });
    expect(await drain(await storage.events.feed({ project_ids: [] }, 0))).toEqual([]);
  });

  it('serves concurrent reads one after another, never twice', async ({ storage }) => {
    const { a } = await twoProjects(storage);
    for (const message of ['1', '2', '3']) await note(storage, a, message);
    const feed = await storage.events.feed({}, 0);
    const batches = await Promise.all([feed.read(2), feed.read(2), feed.read(2)]);
    expect(batches.flatMap((batch) => batch.events.map((e) => e.message))).toEqual(['1', '2', '3']);
  });
});

describe('EventRepository.feed on postgres with transactions in flight', () => {
  const { it } = useTestStorage('postgres');
  const open: ControlledTransaction<DatabaseSchema>[] = [];

  /** A transaction held open by the test until it commits or rolls it back. */
  async function begin({ handle, clock }: TestStorage) {
    const trx = await handle.db.startTransaction().execute();
    open.push(trx);
    return { trx, events: createRepositories(trx, 'postgres', clock).events };
  }

  afterEach(async () => {
    for (const trx of open.splice(0)) if (!trx.isCommitted && !trx.isRolledBack) await trx.rollback().execute();
  });

  it('holds back a later id committed first until the earlier transaction commits', async (t) => {
    const { a } = await twoProjects(t.storage);
    const feed = await t.storage.events.feed({}, 0);
    const t1 = await begin(t);
    const held = await note(t1, a, 'T1');
    const t2 = await begin(t);
    const committedFirst = await note(t2, a, 'T2');
    await t2.trx.commit().execute();
    expect([held.id, committedFirst.id]).toEqual([1, 2]);

    // Id 2 is visible, id 1 is not yet: sending 2 now would lose 1 for good.
    expect(await drain(feed)).toEqual([]);
    expect(await drain(feed)).toEqual([]);
    expect(feed.position).toBe(0);

    await t1.trx.commit().execute();
    expect(await drain(feed)).toEqual(['T1', 'T2']);
    expect(await drain(feed)).toEqual([]);
    expect(feed.position).toBe(2);
  });

  it('holds back an id whose transaction drew its xid after the newest ended one (not in the snapshot)', async (t) => {
    const { a } = await twoProjects(t.storage);
    const feed = await t.storage.events.feed({}, 0);
    // B takes its xid first (as a transaction that wrote something else before its event); A takes a
    // later xid and draws id 1; B draws id 2 and commits. A's xid is then at or above the snapshot's
    // xmax (the newest ended xid + 1): neither in its xip list nor in its xmin.
    const tB = await begin(t);
    await sql`select pg_current_xact_id()`.execute(tB.trx);
    const tA = await begin(t);
    const held = await note(tA, a, 'A');
    const committed = await note(tB, a, 'B');
    await tB.trx.commit().execute();
    expect([held.id, committed.id]).toEqual([1, 2]);

    expect(await drain(feed)).toEqual([]);
    expect(await drain(feed)).toEqual([]);
    expect(feed.position).toBe(0);

    await tA.trx.commit().execute();
    expect(await readUntil(feed, 2)).toEqual(['A', 'B']);
    expect(feed.position).toBe(2);
  });

  it('skips the id of a rolled-back transaction once it has ended, and goes on', async (t) => {
    const { a } = await twoProjects(t.storage);
    const feed = await t.storage.events.feed({}, 0);
    const t1 = await begin(t);
    await note(t1, a, 'rolled back');
    await note(t.storage, a, 'kept');
    expect(await drain(feed)).toEqual([]);

    await t1.trx.rollback().execute();
    expect(await readUntil(feed, 1)).toEqual(['kept']);
    expect(feed.position).toBe(2);
    await note(t.storage, a, 'after');
    expect(await drain(feed)).toEqual(['after']);
  });

  it('every event id is drawn by a transaction that already holds its xid', async ({ storage, handle }) => {
    const { a } = await twoProjects(storage);
    const { rows } = await sql<{ seq: string }>`select pg_get_serial_sequence('events', 'id') as seq`.execute(
      handle.db,
    );
    // A test-only id default that fails when the inserting transaction has no xid yet.
    await sql`
      create function tgz_test_event_id() returns integer language plpgsql as $$
      begin
        if pg_current_xact_id_if_assigned() is null then
          raise exception 'event id drawn before the transaction id';
        end if;
        return nextval(pg_get_serial_sequence('events', 'id'));
      end $$`.execute(handle.db);
    await sql`alter table events alter column id set default tgz_test_event_id()`.execute(handle.db);
    try {
      await note(storage, a, 'alone');
      await storage.transaction((tx) => note(tx, a, 'first write of its transaction'));
      expect(await drain(await storage.events.feed({}, 0))).toEqual(['alone', 'first write of its transaction']);
    } finally {
      await sql`alter table events alter column id set default nextval(${sql.lit(rows[0]!.seq)}::regclass)`.execute(
        handle.db,
      );
      await sql`drop function tgz_test_event_id()`.execute(handle.db);
    }
  });
});
