import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Event } from '@tasksgodzilla/core';
import type { EventFilter } from '@tasksgodzilla/platform-storage';
import type { Runtime } from '@tasksgodzilla/runtime';
import { eventOut } from '../presenters.js';

/** Event ids scanned per read while catching up. */
const BATCH = 200;
/** Reconnect delay suggested to clients (the SSE `retry:` field). */
const RETRY_MS = 2000;

export interface EventStreamOptions {
  filter: EventFilter;
  /** Resume strictly after this id; null starts from now (only new events). */
  lastEventId: number | null;
  heartbeatMs: number;
  pollMs: number;
}

/** Open streams, so a shutdown can end them (fastify does not track hijacked responses). */
export type StreamRegistry = Set<() => void>;

function matches(event: Event, filter: EventFilter): boolean {
  if (filter.project_id !== undefined && event.project_id !== filter.project_id) return false;
  if (filter.project_ids !== undefined && !filter.project_ids.includes(event.project_id)) return false;
  if (filter.protocol_run_id !== undefined && event.protocol_run_id !== filter.protocol_run_id) return false;
  return true;
}

/** `id:`, `event:` and `data:` (one EventOut JSON line) of one server-sent event. */
export function formatSseEvent(event: Event): string {
  const type = event.event_type.replace(/[\r\n]/g, ' ');
  return `id: ${event.id}\nevent: ${type}\ndata: ${JSON.stringify(eventOut(event))}\n\n`;
}

/**
 * `GET /events/stream`: server-sent events in id order from a gap-safe `events.feed` (platform-storage):
 * read at once when this process records an event (TelemetryService.subscribe) and every `pollMs` for
 * events written by other processes (separate workers). An id is sent only once every lower id is
 * committed or can no longer appear, so resuming from `Last-Event-ID` loses and repeats nothing.
 * Comment lines every `heartbeatMs` keep proxies from closing an idle stream. Everything is released
 * on disconnect.
 */
export async function openEventStream(
  runtime: Runtime,
  request: FastifyRequest,
  reply: FastifyReply,
  registry: StreamRegistry,
  options: EventStreamOptions,
): Promise<void> {
  const { filter } = options;
  const feed = await runtime.storage.events.feed(filter, options.lastEventId ?? undefined);
  const raw = reply.raw;
  reply.hijack();
  raw.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
    'X-Request-ID': request.id,
  });
  raw.write(`retry: ${RETRY_MS}\n: connected\n\n`);

  let closed = false;
  let pumping = false;
  let again = false;
  const write = (chunk: string): void => {
    if (!closed && !raw.destroyed) raw.write(chunk);
  };
  const pump = async (): Promise<void> => {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        let more: boolean;
        do {
          const batch = await feed.read(BATCH);
          for (const event of batch.events) {
            if (closed) return;
            write(formatSseEvent(event));
          }
          more = batch.more;
        } while (more && !closed);
      } while (again && !closed);
    } catch (error) {
      runtime.logger.warn({ err: error, request_id: request.id }, 'event stream read failed');
    } finally {
      pumping = false;
    }
  };

  const unsubscribe = runtime.telemetry.subscribe((event) => {
    if (matches(event, filter) && event.id > feed.position) void pump();
  });
  const poll = setInterval(() => void pump(), options.pollMs);
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), options.heartbeatMs);
  const close = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(poll);
    clearInterval(heartbeat);
    registry.delete(close);
    if (!raw.writableEnded) raw.end();
  };
  registry.add(close);
  raw.on('close', close);
  await pump();
}
