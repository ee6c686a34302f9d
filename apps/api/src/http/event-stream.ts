import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Event } from '@tasksgodzilla/core';
import { createEventHub, type EventFilter, type EventHub } from '@tasksgodzilla/platform-storage';
import type { Runtime } from '@tasksgodzilla/runtime';
import { eventOut } from '../presenters.js';

/** Reconnect delay suggested to clients (the SSE `retry:` field). */
const RETRY_MS = 2000;

export interface EventStreamOptions {
  filter: EventFilter;
  /** Resume strictly after this id; null starts from now (only new events). */
  lastEventId: number | null;
  heartbeatMs: number;
  pollMs: number;
}

/** The api's event streams: one shared reader of the event log (created with the first stream) and the open responses. */
export interface EventStreams {
  open(request: FastifyRequest, reply: FastifyReply, options: EventStreamOptions): Promise<void>;
  /** Ends every open stream and stops the shared reader (fastify does not track hijacked responses). */
  close(): void;
}

/** `id:`, `event:` and `data:` (one EventOut JSON line) of one server-sent event. */
export function formatSseEvent(event: Event): string {
  const type = event.event_type.replace(/[\r\n]/g, ' ');
  return `id: ${event.id}\nevent: ${type}\ndata: ${JSON.stringify(eventOut(event))}\n\n`;
}

/** Every live stream gets the same event objects from the hub: each is formatted once. */
const formatted = new WeakMap<Event, string>();
function sseText(events: readonly Event[]): string {
  let text = '';
  for (const event of events) {
    let chunk = formatted.get(event);
    if (chunk === undefined) {
      chunk = formatSseEvent(event);
      formatted.set(event, chunk);
    }
    text += chunk;
  }
  return text;
}

/**
 * `GET /events/stream`: server-sent events from the process's EventHub (platform-storage), which reads
 * the event log once per new batch for every stream: shortly after this process records an event
 * (TelemetryService.subscribe → EventHub.notify, so a burst is read and written as one batch) and every `pollMs` for events written by other processes. Ids come in
 * order with no loss and no repeat, so resuming from `Last-Event-ID` is exact. Comment lines every
 * `heartbeatMs` keep proxies from closing an idle stream. Everything is released on disconnect.
 */
export function createEventStreams(runtime: Runtime): EventStreams {
  const open = new Set<() => void>();
  // One heartbeat timer per period for all streams (200 streams had 200 intervals, each waking the
  // process on its own; issue 12). A stream's first heartbeat may come early, never late.
  const heartbeats = new Map<number, { streams: Set<() => void>; timer: NodeJS.Timeout }>();
  const beatEvery = (ms: number, beat: () => void): (() => void) => {
    let group = heartbeats.get(ms);
    if (group === undefined) {
      const streams = new Set<() => void>();
      const timer = setInterval(() => {
        for (const send of streams) send();
      }, ms);
      group = { streams, timer };
      heartbeats.set(ms, group);
    }
    const joined = group;
    joined.streams.add(beat);
    return () => {
      joined.streams.delete(beat);
      if (joined.streams.size === 0) {
        clearInterval(joined.timer);
        heartbeats.delete(ms);
      }
    };
  };
  let hub: EventHub | null = null;
  let unwatch: (() => void) | null = null;

  const hubFor = (pollMs: number): EventHub => {
    if (hub === null) {
      const created = createEventHub({
        events: runtime.storage.events,
        pollMs,
        onError: (error) => runtime.logger.warn({ err: error }, 'event stream read failed'),
      });
      unwatch = runtime.telemetry.subscribe(() => created.notify());
      hub = created;
    }
    return hub;
  };

  return {
    async open(request, reply, options) {
      // Events the hub hands over before the response head is written wait here.
      let early: Event[] | null = [];
      let write = (_chunk: string): void => undefined;
      const subscription = await hubFor(options.pollMs).subscribe(options.filter, options.lastEventId, (events) => {
        if (early !== null) early.push(...events);
        else write(sseText(events));
      });
      const raw = reply.raw;
      reply.hijack();
      raw.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
        'X-Request-ID': request.id,
      });
      let closed = false;
      write = (chunk) => {
        if (!closed && !raw.destroyed && chunk !== '') raw.write(chunk);
      };
      write(`retry: ${RETRY_MS}\n: connected\n\n`);
      write(sseText(early));
      early = null;

      const stopHeartbeat = beatEvery(options.heartbeatMs, () => write(': heartbeat\n\n'));
      const close = (): void => {
        if (closed) return;
        closed = true;
        subscription.close();
        stopHeartbeat();
        open.delete(close);
        if (!raw.writableEnded) raw.end();
      };
      open.add(close);
      raw.on('close', close);
      if (raw.destroyed) close();
    },
    close() {
      for (const close of [...open]) close();
      unwatch?.();
      unwatch = null;
      hub?.close();
      hub = null;
    },
  };
}
