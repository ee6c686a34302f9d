import type { Event } from '@tasksgodzilla/core';
import { sql } from 'kysely';
import type { Executor, SqlDialect } from '../database.types.js';

/** What one `EventFeed.read()` returns. */
export interface EventFeedBatch {
  /** The filter's events after the previous position, oldest first, none of them returned before. */
  events: Event[];
  /** True when more events may be readable right away (the scan was full); false when caught up or waiting on an open transaction. */
  more: boolean;
}

/**
 * A gap-safe reader of the events table for one consumer (one SSE connection). Events come in id
 * order; an id is never skipped while a transaction that may still insert it is open (PostgreSQL),
 * so nothing is lost and nothing is returned twice. See "Event feed" in the package README.
 */
export interface EventFeed {
  /** Every event with an id at or below this has been returned by `read()` or can no longer appear. */
  readonly position: number;
  /** The next events after `position`; at most `limit` ids (default 200) are scanned per call. */
  read(limit?: number): Promise<EventFeedBatch>;
}

/** A PostgreSQL snapshot (`pg_current_snapshot()`): xids below xmin have ended, `xip` were in progress. */
export interface PgSnapshot {
  xmin: bigint;
  xmax: bigint;
  xip: bigint[];
}

/**
 * A gap seen by a read: every missing id at or below `below` is final once a snapshot's xmin reaches
 * `horizon`, an xid drawn after that read (`null` from `settle`: the feed draws it before it settles again).
 */
export interface PendingGap {
  below: number;
  horizon: bigint | null;
}

/** Parses `pg_snapshot` text, `xmin:xmax:xip1,xip2,…`. */
export function parseSnapshot(text: string): PgSnapshot {
  const match = /^(\d+):(\d+):([\d,]*)$/.exec(text.trim());
  if (!match) throw new Error(`Unexpected pg_snapshot ${JSON.stringify(text)}`);
  const [, xmin = '', xmax = '', xip = ''] = match;
  return { xmin: BigInt(xmin), xmax: BigInt(xmax), xip: xip ? xip.split(',').map((xid) => BigInt(xid)) : [] };
}

/**
 * How far a feed at `position` may deliver, given the ids after it (ascending) read in one snapshot
 * (`null`: no writer can still be open, SQLite). A missing id below a visible one was drawn by a
 * transaction that already held its xid (every writer takes it first), before the visible one
 * committed, so before the read. The snapshot cannot say whether that transaction has ended: one whose
 * xid is at or above the snapshot's xmax (the newest ended xid + 1) is neither in its xip list nor
 * counted in its xmin, though it may still be open. So the first gap always stops delivery, as a
 * pending gap whose horizon is an xid drawn after the read (`horizon: null` here; the feed draws it):
 * once a later snapshot's xmin reaches it, every transaction that may fill the gap has ended, and the
 * ids at or below `below` that are still missing are final.
 */
export function settle(
  position: number,
  ids: readonly number[],
  snapshot: PgSnapshot | null,
  pending: PendingGap | null,
): { upTo: number; pending: PendingGap | null } {
  const resolved =
    pending !== null && pending.horizon !== null && snapshot !== null && snapshot.xmin >= pending.horizon;
  const finalBelow = resolved ? pending.below : position;
  let upTo = position;
  for (const id of ids) {
    if (id > upTo + 1 && id - 1 > finalBelow && snapshot !== null) {
      const gap = resolved || pending === null ? { below: ids[ids.length - 1] ?? id, horizon: null } : pending;
      return { upTo, pending: gap };
    }
    upTo = id;
  }
  return { upTo, pending: !resolved && pending !== null && pending.below > upTo ? pending : null };
}

export interface EventFeedSource {
  db: Executor;
  dialect: SqlDialect;
  /** The filter's events with `after < id <= upTo`, oldest first. */
  between(after: number, upTo: number): Promise<Event[]>;
}

const DEFAULT_SCAN = 200;

/** Up to `limit` ids after `after` (all events, unfiltered) and, on PostgreSQL, the snapshot they were read in. */
async function scan(
  source: EventFeedSource,
  after: number,
  limit: number,
): Promise<{ ids: number[]; snapshot: PgSnapshot | null }> {
  if (source.dialect === 'postgres') {
    // One statement, one snapshot: the ids and pg_current_snapshot() describe the same moment.
    const { rows } = await sql<{ snapshot: string; ids: number[] }>`
      select pg_current_snapshot()::text as snapshot,
             array(select id from events where id > ${after} order by id limit ${limit}) as ids
    `.execute(source.db);
    const row = rows[0];
    if (!row) throw new Error('pg_current_snapshot() returned no row');
    return { ids: row.ids.map(Number), snapshot: parseSnapshot(row.snapshot) };
  }
  // SQLite serialises writers: an id becomes visible only after every lower one has committed or rolled back.
  const rows = await source.db
    .selectFrom('events')
    .select('id')
    .where('id', '>', after)
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
  return { ids: rows.map((row) => row.id), snapshot: null };
}

/**
 * A new xid, in a statement (and transaction) of its own: larger than every xid drawn before the call.
 * It consumes an xid, once per gap seen, which is rare (a concurrent or rolled-back writer).
 */
async function freshXid(db: Executor): Promise<bigint> {
  const { rows } = await sql<{ xid: string }>`select pg_current_xact_id()::text as xid`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('pg_current_xact_id() returned no row');
  return BigInt(row.xid);
}

/** A feed over `source` starting strictly after `position` (every id at or below it is taken as delivered). */
export function createEventFeed(source: EventFeedSource, position: number): EventFeed {
  // Inside a transaction, its snapshot would freeze what the feed can see and its own xid would hold every gap.
  if (source.db.isTransaction) throw new Error('An event feed must read through the database, not a transaction');
  let at = position;
  let pending: PendingGap | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  const readOnce = async (limit: number): Promise<EventFeedBatch> => {
    const { ids, snapshot } = await scan(source, at, limit);
    const settled = settle(at, ids, snapshot, pending);
    const events = settled.upTo > at ? await source.between(at, settled.upTo) : [];
    at = settled.upTo;
    pending = settled.pending;
    // A new gap's horizon: an xid drawn now, after the read, so above every xid that may fill the gap.
    if (pending !== null && pending.horizon === null) pending = { ...pending, horizon: await freshXid(source.db) };
    return { events, more: ids.length === limit && at === ids.at(-1) };
  };

  return {
    get position() {
      return at;
    },
    read(limit = DEFAULT_SCAN) {
      // Calls run one after another: each starts from the position the previous one left.
      const run = queue.then(() => readOnce(Math.max(1, Math.trunc(limit) || DEFAULT_SCAN)));
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
