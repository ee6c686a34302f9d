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

const CRLF = Buffer.from('\r\n');

/** `text` as one HTTP/1.1 chunk (`Transfer-Encoding: chunked` framing), ready for the socket. */
function httpChunk(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`, 'latin1'), body, CRLF]);
}

/**
 * The hub hands the same batch array to every stream that takes all of it (platform-storage "Event
 * hub"): that batch is encoded and framed once and the same bytes go to every such socket.
 */
const framed = new WeakMap<readonly Event[], Buffer>();
function batchChunk(events: readonly Event[]): Buffer {
  let chunk = framed.get(events);
  if (chunk === undefined) {
    chunk = httpChunk(sseText(events));
    framed.set(events, chunk);
  }
  return chunk;
}

const HEARTBEAT_TEXT = ': heartbeat\n\n';
const HEARTBEAT = httpChunk(HEARTBEAT_TEXT);
const PREAMBLE_TEXT = `retry: ${RETRY_MS}\n: connected\n\n`;
const PREAMBLE = httpChunk(PREAMBLE_TEXT);

/**
 * Bytes a stream's socket may still hold unsent when the next chunk is due. A client that reads slower
 * than events come is cut off past this (it reconnects with Last-Event-ID and resumes exactly) rather
 * than growing the api's memory without bound.
 */
export const SSE_MAX_BUFFERED_BYTES = 1024 * 1024;

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
      let send = (_chunk: Buffer): void => undefined;
      // An HTTP/1.0 client gets the body unframed (ServerResponse did the same).
      let chunked = true;
      const subscription = await hubFor(options.pollMs).subscribe(options.filter, options.lastEventId, (events) => {
        if (early !== null) early.push(...events);
        else send(chunked ? batchChunk(events) : Buffer.from(sseText(events)));
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
      // The head goes out now; the body's chunks are framed here and written to the socket itself:
      // one write of one shared buffer per batch, where ServerResponse.write would encode and frame
      // the text again for every stream and cork and uncork each socket on its own tick.
      raw.flushHeaders();
      chunked = raw.chunkedEncoding;
      const socket = raw.socket;
      let closed = false;
      const heartbeat = chunked ? HEARTBEAT : Buffer.from(HEARTBEAT_TEXT);
      const stopHeartbeat = beatEvery(options.heartbeatMs, () => send(heartbeat));
      const close = (): void => {
        if (closed) return;
        closed = true;
        subscription.close();
        stopHeartbeat();
        open.delete(close);
        // A client past the buffer limit is not waited for: what it has not read is dropped.
        if (socket !== null && socket.writableLength > SSE_MAX_BUFFERED_BYTES) socket.destroy();
        else if (!raw.writableEnded) raw.end();
      };
      send = (chunk) => {
        if (closed || socket === null || socket.destroyed) return;
        // Checked before the write, so one large batch passes; a stream holds at most the limit plus one batch.
        if (socket.writableLength > SSE_MAX_BUFFERED_BYTES) close();
        else socket.write(chunk);
      };
      const frame = (text: string): Buffer => (chunked ? httpChunk(text) : Buffer.from(text));
      send(chunked ? PREAMBLE : Buffer.from(PREAMBLE_TEXT));
      if (early.length > 0) send(frame(sseText(early)));
      early = null;
      open.add(close);
      raw.on('close', close);
      if (raw.destroyed || socket === null) close();
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
