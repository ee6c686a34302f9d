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

/** A gap seen while transactions were open: every missing id at or below `below` is final once xmin >= `horizon`. */
export interface PendingGap {
  below: number;
  horizon: bigint;
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
 * transaction that already held its xid (every writer takes it first), so it can only appear if that
 * transaction was in progress in the snapshot: with no transaction in progress every gap is final;
 * otherwise the first gap stops delivery until a later snapshot's xmin reaches the xmax of the one
 * that saw it (every transaction in progress then has ended, so the gap is filled or final).
 */
export function settle(
  position: number,
  ids: readonly number[],
  snapshot: PgSnapshot | null,
  pending: PendingGap | null,
): { upTo: number; pending: PendingGap | null } {
  const resolved = pending !== null && snapshot !== null && snapshot.xmin >= pending.horizon;
  const finalBelow = resolved ? pending.below : position;
  const open = snapshot !== null && snapshot.xip.length > 0;
  let upTo = position;
  for (const id of ids) {
    if (id > upTo + 1 && id - 1 > finalBelow && open) {
      const gap = resolved || pending === null ? { below: ids[ids.length - 1] ?? id, horizon: snapshot.xmax } : pending;
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

/** A feed over `source` starting strictly after `position` (every id at or below it is taken as delivered). */
export function createEventFeed(source: EventFeedSource, position: number): EventFeed {
  let at = position;
  let pending: PendingGap | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  const readOnce = async (limit: number): Promise<EventFeedBatch> => {
    const { ids, snapshot } = await scan(source, at, limit);
    const settled = settle(at, ids, snapshot, pending);
    const events = settled.upTo > at ? await source.between(at, settled.upTo) : [];
    at = settled.upTo;
    pending = settled.pending;
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
