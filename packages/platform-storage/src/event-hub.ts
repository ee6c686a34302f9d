import type { Event } from '@tasksgodzilla/core';
import type { EventFeed } from './repositories/event-feed.js';
import { typePrefix } from './repositories/events.repository.js';
import type { EventFilter, EventRepository } from './repositories/repositories.types.js';

/** Ids scanned per read, by the shared feed and by a subscriber catching up. */
const DEFAULT_BATCH = 200;

export interface EventHubOptions {
  /** Where events are read (`storage.events`; only `feed` is used). */
  events: Pick<EventRepository, 'feed'>;
  /**
   * How often the shared feed reads while anyone is subscribed, for events written by other processes.
   * A poll that falls while a `notify()` read is pending is left to that read.
   */
  pollMs: number;
  /** Ids scanned per read (default 200). */
  batch?: number;
  /** A failed read (the hub retries on the next wake or poll). */
  onError?: (error: unknown) => void;
  /**
   * How `notify()` defers its read, so a burst of events is read (and written to each subscriber) as
   * one batch; default: `setTimeout(read, 50)`.
   */
  defer?: (read: () => Promise<void>) => void;
}

/** The default delay of a read asked for by `notify()`. */
export const EVENT_HUB_NOTIFY_MS = 50;

/** Receives a subscriber's events: ids ascending, never one twice, nothing skipped. */
export type EventSink = (events: readonly Event[]) => void;

export interface EventSubscription {
  /**
   * Settles once the subscriber's own catch-up (a resume from before the hub's position) has read
   * everything it can: it is then on the shared live tail, or waiting for a PostgreSQL transaction.
   */
  readonly ready: Promise<void>;
  /** Stops delivery and releases the subscriber; the last one out stops the hub's polling. */
  close(): void;
}

/**
 * One gap-safe reader of the event log per process, fanned out in memory: subscribers get the events
 * of their filter in id order with no loss and no repeat, as each would from its own `events.feed`,
 * while the storage is read once per new batch whatever their number. See "Event hub" in the README.
 */
export interface EventHub {
  /**
   * Follows the events matching `filter` strictly after `after` (a Last-Event-ID), or after the newest
   * event now when null. A resume from before the hub's position first catches up from storage with
   * its own feed, then joins the shared tail.
   */
  subscribe(filter: EventFilter, after: number | null, sink: EventSink): Promise<EventSubscription>;
  /** Reads now; settles after a read that began after the call. */
  wake(): Promise<void>;
  /**
   * An event was recorded in this process: reads soon (see `defer`), once for every notification
   * until then. Nothing while nobody is subscribed.
   */
  notify(): void;
  /** Subscribers now (catching up or live). */
  readonly size: number;
  /** Ends every subscription and the polling; subscribe then rejects. */
  close(): void;
}

/** Whether `event` is one `filter` selects (the same rules as the repository's SQL filter). */
export function eventMatches(event: Event, filter: EventFilter): boolean {
  if (filter.project_id !== undefined && event.project_id !== filter.project_id) return false;
  if (filter.project_ids !== undefined && !filter.project_ids.includes(event.project_id)) return false;
  if (filter.protocol_run_id !== undefined && event.protocol_run_id !== filter.protocol_run_id) return false;
  if (filter.step_run_id !== undefined && event.step_run_id !== filter.step_run_id) return false;
  const types = (filter.event_types ?? []).filter((type) => type.length > 0);
  if (types.length === 0) return true;
  return types.some((type) => {
    const prefix = typePrefix(type);
    return prefix === null ? event.event_type === type : event.event_type.startsWith(prefix);
  });
}

/**
 * Whether `filter` sets no condition at all. Any field it does not know counts as a condition, so a
 * field added to EventFilter later is tested per event (eventMatches) until it is handled here.
 */
function selectsAll(filter: EventFilter): boolean {
  return Object.entries(filter).every(
    ([field, value]) =>
      value === undefined ||
      (field === 'event_types' && (value as readonly string[]).every((type) => type.length === 0)),
  );
}

interface Subscriber {
  filter: EventFilter;
  /** The filter selects every event (no test per event needed). */
  all: boolean;
  sink: EventSink;
  /** Live: only ids above this are delivered (what the subscriber's start or catch-up already covered). */
  after: number;
  /** While catching up: its own feed, read until it reaches `target`; null once live. */
  own: EventFeed | null;
  /** The shared feed's position when the subscriber joined: the catch-up's end. */
  target: number;
  /** Shared events received while catching up, delivered once the catch-up ends. */
  held: Event[];
  catching: Promise<void> | null;
  closed: boolean;
}

export function createEventHub(options: EventHubOptions): EventHub {
  const batch = Math.max(1, Math.trunc(options.batch ?? DEFAULT_BATCH));
  const onError = options.onError ?? (() => undefined);
  const defer =
    options.defer ??
    ((read: () => Promise<void>) => {
      setTimeout(() => void read(), EVENT_HUB_NOTIFY_MS).unref?.();
    });
  let notified = false;
  const subscribers = new Set<Subscriber>();
  /** The shared, unfiltered feed; null while nobody is subscribed (it restarts at the next subscriber's start). */
  let shared: EventFeed | null = null;
  let opening: Promise<EventFeed> | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;

  const deliver = (subscriber: Subscriber, events: readonly Event[]): void => {
    if (subscriber.closed || events.length === 0) return;
    try {
      subscriber.sink(events);
    } catch (error) {
      onError(error);
    }
  };

  /**
   * Hands one shared batch to every subscriber (synchronously, with the position it moved to). A
   * subscriber that takes the whole batch gets the batch array itself, the same one for all of them,
   * so a sink can serialize it once per batch rather than once per subscriber.
   */
  const fanOut = (events: readonly Event[]): void => {
    if (events.length === 0) return;
    for (const subscriber of subscribers) {
      let mine = events;
      if (!subscriber.all || events[0]!.id <= subscriber.after) {
        const filtered = events.filter(
          (event) => event.id > subscriber.after && eventMatches(event, subscriber.filter),
        );
        if (filtered.length !== events.length) mine = filtered;
      }
      if (subscriber.own !== null) subscriber.held.push(...mine);
      else deliver(subscriber, mine);
    }
  };

  /** Reads the subscriber's own feed up to where it joined the shared one, then makes it live. */
  const catchUp = (subscriber: Subscriber): Promise<void> => {
    subscriber.catching ??= (async () => {
      try {
        const own = subscriber.own;
        while (own !== null && !subscriber.closed) {
          if (own.position >= subscriber.target) {
            // Everything up to own.position is delivered; the shared feed has everything after target.
            subscriber.after = own.position;
            subscriber.own = null;
            const held = subscriber.held.filter((event) => event.id > own.position);
            subscriber.held = [];
            deliver(subscriber, held);
            return;
          }
          const read = await own.read(batch);
          if (subscriber.closed) return;
          deliver(subscriber, read.events);
          // Not caught up and nothing more readable: a PostgreSQL transaction holds a gap; retried after the next shared read.
          if (!read.more && own.position < subscriber.target) return;
        }
      } catch (error) {
        onError(error);
      } finally {
        subscriber.catching = null;
      }
    })();
    return subscriber.catching;
  };

  const readShared = async (): Promise<void> => {
    const feed = shared;
    if (feed === null) return;
    let more = true;
    while (more) {
      const read = await feed.read(batch);
      // Everybody left (or the hub closed) during the read: those events are nobody's.
      if (feed !== shared) return;
      fanOut(read.events);
      more = read.more;
    }
    for (const subscriber of subscribers) if (subscriber.own !== null) void catchUp(subscriber);
  };

  const wake = (): Promise<void> => {
    if (closed || shared === null) return Promise.resolve();
    again = true;
    running ??= (async () => {
      try {
        while (again && !closed) {
          again = false;
          try {
            await readShared();
          } catch (error) {
            onError(error);
          }
        }
      } finally {
        running = null;
      }
    })();
    return running;
  };

  /** The shared feed, opened at `start` when nobody is subscribed. */
  const open = async (start: number): Promise<EventFeed> => {
    for (;;) {
      if (shared !== null) return shared;
      opening ??= options.events.feed({}, start).then((feed) => {
        shared = feed;
        opening = null;
        return feed;
      });
      const feed = await opening.catch((error: unknown) => {
        opening = null;
        throw error;
      });
      if (feed === shared) return feed;
    }
  };

  const release = (subscriber: Subscriber): void => {
    if (subscriber.closed) return;
    subscriber.closed = true;
    subscriber.held = [];
    subscriber.own = null;
    subscribers.delete(subscriber);
    if (subscribers.size > 0) return;
    if (timer !== null) clearInterval(timer);
    timer = null;
    shared = null;
  };

  return {
    async subscribe(filter, after, sink) {
      if (closed) throw new Error('The event hub is closed');
      // Its own feed fixes the start (the newest id now when `after` is null) and serves a catch-up.
      const own = await options.events.feed(filter, after ?? undefined);
      let feed: EventFeed;
      for (;;) {
        if (closed) throw new Error('The event hub is closed');
        feed = await open(own.position);
        if (feed === shared) break;
      }
      // From here to the registration nothing awaits: the subscriber sees every shared batch after `target`.
      const subscriber: Subscriber = {
        filter,
        all: selectsAll(filter),
        sink,
        after: own.position,
        own: own.position < feed.position ? own : null,
        target: feed.position,
        held: [],
        catching: null,
        closed: false,
      };
      subscribers.add(subscriber);
      if (timer === null) {
        // A read asked for by notify() is due within its window and reads everything there is: a poll
        // now would split that burst into two batches (two writes to every stream) for nothing.
        timer = setInterval(() => {
          if (!notified) void wake();
        }, options.pollMs);
        timer.unref?.();
      }
      const ready = subscriber.own !== null ? catchUp(subscriber) : Promise.resolve();
      return { ready, close: () => release(subscriber) };
    },
    wake,
    notify() {
      if (notified || closed || shared === null) return;
      notified = true;
      defer(() => {
        notified = false;
        return wake();
      });
    },
    get size() {
      return subscribers.size;
    },
    close() {
      closed = true;
      for (const subscriber of [...subscribers]) release(subscriber);
    },
  };
}
