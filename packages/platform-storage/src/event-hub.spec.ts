import { jest } from '@jest/globals';
import type { Event } from '@tasksgodzilla/core';
import type { ControlledTransaction } from 'kysely';
import { createEventHub, eventMatches, type EventHub } from './event-hub.js';
import type { EventFeed } from './repositories/event-feed.js';
import { createRepositories } from './repositories/index.js';
import type { EventFilter, EventRepository } from './repositories/repositories.types.js';
import type { DatabaseSchema } from './schema.js';
import type { Storage } from './storage.js';
import { BACKENDS, useTestStorage, type TestStorage } from './test/test-storage.test-helpers.js';

/** Never fires within a test: every read below is one the test asked for with `wake()`. */
const NO_POLL = 3_600_000;

const note = (storage: Pick<Storage, 'events'>, projectId: number, message: string, runId?: number) =>
  storage.events.append({ project_id: projectId, protocol_run_id: runId ?? null, event_type: 'note', message });

/** `storage.events` that counts the reads of every feed it hands out, and can hold the reads of filtered feeds. */
function countingEvents(storage: Storage) {
  const counts = { feeds: 0, sharedReads: 0, ownReads: 0 };
  let gate: Promise<void> = Promise.resolve();
  let open = (): void => undefined;
  const events: Pick<EventRepository, 'feed'> = {
    async feed(filter?: EventFilter, after?: number) {
      counts.feeds++;
      const inner = await storage.events.feed(filter, after);
      const shared = filter !== undefined && Object.keys(filter).length === 0;
      const wrapped: EventFeed = {
        get position() {
          return inner.position;
        },
        async read(limit?: number) {
          if (shared) counts.sharedReads++;
          else {
            counts.ownReads++;
            await gate;
          }
          return inner.read(limit);
        },
      };
      return wrapped;
    },
  };
  return {
    events,
    counts,
    /** Holds every read of a filtered (subscriber's own) feed until `release()`. */
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release: () => open(),
  };
}

/** A subscriber's sink that records what it receives. */
function recorder() {
  const got: Event[] = [];
  return { got, sink: (events: readonly Event[]) => got.push(...events), messages: () => got.map((e) => e.message) };
}

/** Wakes the hub until `done()` (a gap is released once the PostgreSQL transactions open when it was seen have ended). */
async function wakeUntil(hub: EventHub, done: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !done(); i++) await hub.wake();
}

describe.each(BACKENDS)('createEventHub on %s', (dialect) => {
  const { it } = useTestStorage(dialect);
  const hubs: EventHub[] = [];
  const hubOf = (events: Pick<EventRepository, 'feed'>, onError?: (error: unknown) => void) => {
    const hub = createEventHub({ events, pollMs: NO_POLL, onError });
    hubs.push(hub);
    return hub;
  };
  afterEach(() => {
    for (const hub of hubs.splice(0)) hub.close();
  });

  it('fans one read out to many subscribers, each getting its filter’s events once, in id order', async ({
    storage,
  }) => {
    const a = (await storage.projects.create({ name: 'a', git_url: '/tmp/a' })).id;
    const b = (await storage.projects.create({ name: 'b', git_url: '/tmp/b' })).id;
    const run = await storage.protocolRuns.create({ project_id: a, protocol_name: '0001-x', base_branch: 'main' });
    await note(storage, a, 'before');
    const counting = countingEvents(storage);
    const hub = hubOf(counting.events);
    const all = Array.from({ length: 60 }, () => recorder());
    for (const sub of all) await hub.subscribe({}, null, sub.sink);
    const onlyA = recorder();
    const scopeB = recorder();
    const ofRun = recorder();
    const loops = recorder();
    await hub.subscribe({ project_id: a }, null, onlyA.sink);
    await hub.subscribe({ project_ids: [b] }, null, scopeB.sink);
    await hub.subscribe({ protocol_run_id: run.id }, null, ofRun.sink);
    await hub.subscribe({ event_types: ['loop_'] }, null, loops.sink);
    expect(hub.size).toBe(64);
    expect(counting.counts.ownReads).toBe(0);

    await note(storage, a, 'a1');
    await note(storage, b, 'b1');
    await note(storage, a, 'run1', run.id);
    await storage.events.append({ project_id: b, event_type: 'loop_started', message: 'loop' });
    const before = counting.counts.sharedReads;
    await hub.wake();
    // One shared read for the batch, whatever the number of subscribers; none of their own.
    expect(counting.counts.sharedReads - before).toBe(1);
    expect(counting.counts.ownReads).toBe(0);
    for (const sub of all) expect(sub.messages()).toEqual(['a1', 'b1', 'run1', 'loop']);
    expect(all[0]!.got.map((e) => e.id)).toEqual([2, 3, 4, 5]);
    expect(onlyA.messages()).toEqual(['a1', 'run1']);
    expect(scopeB.messages()).toEqual(['b1', 'loop']);
    expect(ofRun.messages()).toEqual(['run1']);
    expect(loops.messages()).toEqual(['loop']);
    // The events carry the joined names, as a feed's do.
    expect(ofRun.got[0]).toMatchObject({ protocol_name: '0001-x', project_name: 'a' });

    await hub.wake();
    expect(all[0]!.messages()).toHaveLength(4);
  });

  it('hands the same batch array to every subscriber that takes the whole batch, and its own to the others', async ({
    storage,
  }) => {
    const a = (await storage.projects.create({ name: 'a', git_url: '/tmp/a' })).id;
    const b = (await storage.projects.create({ name: 'b', git_url: '/tmp/b' })).id;
    const hub = hubOf(storage.events);
    const batches = (): { batches: (readonly Event[])[]; sink: (events: readonly Event[]) => void } => {
      const got: (readonly Event[])[] = [];
      return { batches: got, sink: (events) => got.push(events) };
    };
    const first = batches();
    const second = batches();
    const ofA = batches();
    const ofBoth = batches();
    await hub.subscribe({}, null, first.sink);
    await hub.subscribe({}, null, second.sink);
    await hub.subscribe({ project_id: a }, null, ofA.sink);
    await hub.subscribe({ project_ids: [a, b] }, null, ofBoth.sink);
    await note(storage, a, 'a1');
    await note(storage, b, 'b1');
    await hub.wake();
    expect(first.batches).toHaveLength(1);
    expect(second.batches[0]).toBe(first.batches[0]);
    expect(ofBoth.batches[0]).toBe(first.batches[0]);
    expect(ofA.batches[0]).not.toBe(first.batches[0]);
    expect(ofA.batches[0]!.map((e) => e.message)).toEqual(['a1']);
    expect(first.batches[0]!.map((e) => e.message)).toEqual(['a1', 'b1']);
  });

  it('catches a resumed subscriber up from storage, then joins it to the shared tail without a repeat', async ({
    storage,
  }) => {
    const a = (await storage.projects.create({ name: 'a', git_url: '/tmp/a' })).id;
    const counting = countingEvents(storage);
    const hub = hubOf(counting.events);
    for (const message of ['1', '2', '3']) await note(storage, a, message);
    const live = recorder();
    await hub.subscribe({}, null, live.sink);
    await note(storage, a, '4');
    await hub.wake();

    counting.hold();
    const resumed = recorder();
    const subscription = await hub.subscribe({ project_id: a }, 1, resumed.sink);
    // Written and read by the shared feed while the resumed subscriber's own reads are held.
    await note(storage, a, '5');
    await note(storage, a, '6');
    await hub.wake();
    expect(live.messages()).toEqual(['4', '5', '6']);
    expect(resumed.messages()).toEqual([]);
    counting.release();
    await subscription.ready;
    expect(resumed.messages()).toEqual(['2', '3', '4', '5', '6']);

    await note(storage, a, '7');
    const ownReads = counting.counts.ownReads;
    await hub.wake();
    expect(resumed.messages()).toEqual(['2', '3', '4', '5', '6', '7']);
    expect(counting.counts.ownReads).toBe(ownReads);
  });

  it('starts a subscriber with no id after the newest event, and one with a future id after that id', async ({
    storage,
  }) => {
    const a = (await storage.projects.create({ name: 'a', git_url: '/tmp/a' })).id;
    const hub = hubOf(storage.events);
    await note(storage, a, 'old');
    const fromNow = recorder();
    await hub.subscribe({}, null, fromNow.sink);
    await note(storage, a, 'new');
    const fromTwo = recorder();
    await hub.subscribe({}, 2, fromTwo.sink);
    await note(storage, a, 'newer');
    await hub.wake();
    expect(fromNow.messages()).toEqual(['new', 'newer']);
    expect(fromTwo.messages()).toEqual(['newer']);
  });

  it('delivers everything once and in order while writers run concurrently', async ({ storage }) => {
    const a = (await storage.projects.create({ name: 'a', git_url: '/tmp/a' })).id;
    const b = (await storage.projects.create({ name: 'b', git_url: '/tmp/b' })).id;
    await note(storage, a, 'seed');
    const hub = hubOf(storage.events);
    const everything = recorder();
    const onlyB = recorder();
    await hub.subscribe({}, null, everything.sink);
    await hub.subscribe({ project_id: b }, null, onlyB.sink);
    const resumed = recorder();
    let resumedReady: Promise<void> | null = null;

    const writers = Array.from({ length: 6 }, (_, w) =>
      (async () => {
        for (let i = 0; i < 10; i++) {
          const project = (w + i) % 2 === 0 ? a : b;
          if (i % 3 === 0) await storage.transaction((tx) => note(tx, project, `w${w}-${i}`));
          else await note(storage, project, `w${w}-${i}`);
          if (w === 0 && i === 5) resumedReady = (await hub.subscribe({}, 0, resumed.sink)).ready;
          if (i % 2 === 0) void hub.wake();
        }
      })(),
    );
    await Promise.all(writers);
    await resumedReady;
    await wakeUntil(hub, () => everything.got.length >= 60 && resumed.got.length >= 61);

    const ids = (await storage.events.list({}, { limit: 500 })).items.map((e) => e.id).reverse();
    expect(ids).toHaveLength(61);
    expect(everything.got.map((e) => e.id)).toEqual(ids.slice(1));
    expect(resumed.got.map((e) => e.id)).toEqual(ids);
    const idsOfB = (await storage.events.list({ project_id: b }, { limit: 500 })).items.map((e) => e.id).reverse();
    expect(onlyB.got.map((e) => e.id)).toEqual(idsOfB);
  });

  it('releases a subscriber on close; the last one out stops the polling and the shared feed', async ({ storage }) => {
    const a = (await storage.projects.create({ name: 'a', git_url: '/tmp/a' })).id;
    const counting = countingEvents(storage);
    const setSpy = jest.spyOn(global, 'setInterval');
    const clearSpy = jest.spyOn(global, 'clearInterval');
    try {
      const hub = hubOf(counting.events);
      const first = recorder();
      const second = recorder();
      const s1 = await hub.subscribe({}, null, first.sink);
      const s2 = await hub.subscribe({}, null, second.sink);
      expect(setSpy).toHaveBeenCalledTimes(1);
      s1.close();
      s1.close();
      expect(hub.size).toBe(1);
      await note(storage, a, 'one');
      await hub.wake();
      expect([first.messages(), second.messages()]).toEqual([[], ['one']]);

      s2.close();
      expect(hub.size).toBe(0);
      expect(clearSpy).toHaveBeenCalledWith(setSpy.mock.results[0]!.value);
      const reads = counting.counts.sharedReads;
      await note(storage, a, 'nobody');
      await hub.wake();
      expect(counting.counts.sharedReads).toBe(reads);

      // The next subscriber restarts the shared feed at its own start, not where the last one left.
      const third = recorder();
      await hub.subscribe({}, null, third.sink);
      await note(storage, a, 'three');
      await hub.wake();
      expect(third.messages()).toEqual(['three']);
      expect(counting.counts.ownReads).toBe(0);
      expect(setSpy).toHaveBeenCalledTimes(2);
    } finally {
      setSpy.mockRestore();
      clearSpy.mockRestore();
    }
  });

  it('keeps delivering to the others when a sink throws, reports it, and refuses subscribers once closed', async ({
    storage,
  }) => {
    const a = (await storage.projects.create({ name: 'a', git_url: '/tmp/a' })).id;
    const errors: unknown[] = [];
    const hub = hubOf(storage.events, (error) => errors.push(error));
    const good = recorder();
    await hub.subscribe({}, null, () => {
      throw new Error('sink broke');
    });
    await hub.subscribe({}, null, good.sink);
    await note(storage, a, 'x');
    await hub.wake();
    expect(good.messages()).toEqual(['x']);
    expect(errors).toEqual([new Error('sink broke')]);
    hub.close();
    expect(hub.size).toBe(0);
    await expect(hub.subscribe({}, null, good.sink)).rejects.toThrow('The event hub is closed');
  });
});

describe('createEventHub on postgres with transactions in flight', () => {
  const { it } = useTestStorage('postgres');
  const open: ControlledTransaction<DatabaseSchema>[] = [];
  let hub: EventHub | null = null;

  afterEach(async () => {
    hub?.close();
    for (const trx of open.splice(0)) if (!trx.isCommitted && !trx.isRolledBack) await trx.rollback().execute();
  });

  async function begin({ handle, clock }: TestStorage) {
    const trx = await handle.db.startTransaction().execute();
    open.push(trx);
    return { trx, events: createRepositories(trx, 'postgres', clock).events };
  }

  it('holds a later id committed first until the earlier transaction commits, for live and catching-up subscribers', async (t) => {
    const a = (await t.storage.projects.create({ name: 'a', git_url: '/tmp/a' })).id;
    await note(t.storage, a, 'zero');
    hub = createEventHub({ events: t.storage.events, pollMs: NO_POLL });
    const live = recorder();
    await hub.subscribe({}, null, live.sink);
    const t1 = await begin(t);
    const held = await note(t1, a, 'T1');
    const t2 = await begin(t);
    const first = await note(t2, a, 'T2');
    await t2.trx.commit().execute();
    expect([held.id, first.id]).toEqual([2, 3]);
    await hub.wake();
    await hub.wake();
    expect(live.messages()).toEqual([]);

    const resumed = recorder();
    const subscription = await hub.subscribe({}, 0, resumed.sink);
    await subscription.ready;
    expect(resumed.messages()).toEqual(['zero']);

    await t1.trx.commit().execute();
    await wakeUntil(hub, () => live.got.length >= 2 && resumed.got.length >= 3);
    expect(live.messages()).toEqual(['T1', 'T2']);
    expect(resumed.messages()).toEqual(['zero', 'T1', 'T2']);
  });
});

describe('eventMatches', () => {
  const event: Event = {
    id: 7,
    project_id: 1,
    protocol_run_id: 2,
    step_run_id: 3,
    event_type: 'trigger_fired',
    message: '',
    metadata: null,
    created_at: '2026-12-06T00:00:00.000Z',
  };

  it('applies every filter key as the repository’s SQL does', () => {
    expect(eventMatches(event, {})).toBe(true);
    expect(eventMatches(event, { project_id: 1, protocol_run_id: 2, step_run_id: 3 })).toBe(true);
    expect(eventMatches(event, { project_id: 9 })).toBe(false);
    expect(eventMatches(event, { project_ids: [] })).toBe(false);
    expect(eventMatches(event, { project_ids: [4, 1] })).toBe(true);
    expect(eventMatches(event, { protocol_run_id: 5 })).toBe(false);
    expect(eventMatches(event, { step_run_id: 4 })).toBe(false);
    expect(eventMatches(event, { event_types: ['trigger_*'] })).toBe(true);
    expect(eventMatches(event, { event_types: ['trigger_'] })).toBe(true);
    expect(eventMatches(event, { event_types: ['trigger'] })).toBe(false);
    expect(eventMatches(event, { event_types: ['TRIGGER_*'] })).toBe(false);
    expect(eventMatches(event, { event_types: ['note', 'trigger_fired'] })).toBe(true);
    expect(eventMatches(event, { event_types: [''] })).toBe(true);
  });
});

describe('EventHub.notify', () => {
  const { it } = useTestStorage('sqlite');

  it('leaves a poll that falls while a notified read is pending to that read: one batch, not two', async ({
    storage,
  }) => {
    const a = (await storage.projects.create({ name: 'a', git_url: '/tmp/a' })).id;
    const counting = countingEvents(storage);
    const deferred: (() => Promise<void>)[] = [];
    const setSpy = jest.spyOn(global, 'setInterval');
    let hub: EventHub | null = null;
    try {
      hub = createEventHub({ events: counting.events, pollMs: NO_POLL, defer: (read) => deferred.push(read) });
      const batches: string[][] = [];
      await hub.subscribe({}, null, (events) => batches.push(events.map((event) => event.message)));
      const poll = setSpy.mock.calls[0]![0] as () => void;
      await note(storage, a, '1');
      hub.notify();
      await note(storage, a, '2');
      const reads = counting.counts.sharedReads;
      poll();
      await new Promise((resolve) => setImmediate(resolve));
      expect(counting.counts.sharedReads - reads).toBe(0);
      expect(batches).toEqual([]);
      await deferred[0]!();
      expect(counting.counts.sharedReads - reads).toBe(1);
      expect(batches).toEqual([['1', '2']]);
      // With no read pending, the poll reads.
      await note(storage, a, '3');
      poll();
      await hub.wake();
      expect(counting.counts.sharedReads - reads).toBeGreaterThan(1);
      expect(batches).toEqual([['1', '2'], ['3']]);
    } finally {
      setSpy.mockRestore();
      hub?.close();
    }
  });

  it('reads a burst of notifications as one batch, once, and not at all with nobody subscribed', async ({
    storage,
  }) => {
    const a = (await storage.projects.create({ name: 'a', git_url: '/tmp/a' })).id;
    const counting = countingEvents(storage);
    const deferred: (() => Promise<void>)[] = [];
    const hub = createEventHub({ events: counting.events, pollMs: NO_POLL, defer: (read) => deferred.push(read) });
    try {
      hub.notify();
      expect(deferred).toHaveLength(0);
      const sub = recorder();
      await hub.subscribe({}, null, sub.sink);
      for (const message of ['1', '2', '3']) {
        await note(storage, a, message);
        hub.notify();
      }
      expect(deferred).toHaveLength(1);
      const reads = counting.counts.sharedReads;
      await deferred[0]!();
      expect(counting.counts.sharedReads - reads).toBe(1);
      expect(sub.messages()).toEqual(['1', '2', '3']);
      // The next notification schedules a new read.
      await note(storage, a, '4');
      hub.notify();
      expect(deferred).toHaveLength(2);
      await deferred[1]!();
      expect(sub.messages()).toEqual(['1', '2', '3', '4']);
    } finally {
      hub.close();
    }
  });
});
