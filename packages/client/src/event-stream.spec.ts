import type { ServerResponse } from 'node:http';
import { createClient } from './client.js';
import { isApiError } from './client.errors.js';
import type { EventOut, FetchLike, StreamEventsParams } from './client.types.js';
import { startFakeServer, type FakeHandler, type FakeServer } from './fake-server.test-helpers.js';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const event = (id: number, message = `event ${id}`): EventOut => ({
  id,
  project_id: 3,
  protocol_run_id: 7,
  step_run_id: null,
  event_type: id % 2 ? 'step_started' : 'step_completed',
  message,
  metadata: { request_id: `r-${id}` },
  created_at: '2026-11-27T17:00:00.000Z',
  protocol_name: null,
  project_name: null,
});

const frame = (e: EventOut, eol = '\n') =>
  `id: ${e.id}${eol}event: ${e.event_type}${eol}data: ${JSON.stringify(e)}${eol}${eol}`;

function openStream(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  res.flushHeaders();
}

/** Writes pieces one by one with a pause, so they tend to arrive as separate chunks. */
async function writeSlowly(res: ServerResponse, pieces: (string | Buffer)[]): Promise<void> {
  for (const piece of pieces) {
    await new Promise<void>((resolve) => res.write(piece, () => resolve()));
    await delay(3);
  }
}

/** Handler that opens the stream, writes `pieces` slowly, then ends it, drops it, or leaves it open. */
function streamOf(pieces: (string | Buffer)[], then: 'end' | 'drop' | 'open' = 'open'): FakeHandler {
  return (_req, res) => {
    openStream(res);
    void writeSlowly(res, pieces).then(() => {
      if (then === 'end') res.end();
      else if (then === 'drop') res.socket?.destroy();
    });
  };
}

/** Handler that answers the n-th connection (0-based) with `connections[n]`. */
function perConnection(server: () => FakeServer, connections: FakeHandler[]): FakeHandler {
  return (req, res) => {
    const index = server().requests.length - 1;
    const handler = connections[Math.min(index, connections.length - 1)]!;
    return handler(req, res);
  };
}

describe('streamEvents', () => {
  let server: FakeServer;
  beforeEach(async () => {
    server = await startFakeServer();
  });
  afterEach(() => server.close());
  /** Answers the n-th connection with `connections[n]`, the last one from then on. */
  const connections = (...handlers: FakeHandler[]) => server.setHandler(perConnection(() => server, handlers));

  async function take(
    count: number,
    params: StreamEventsParams = {},
    client = createClient({ baseUrl: server.url, token: 't' }),
  ): Promise<EventOut[]> {
    const controller = new AbortController();
    const events: EventOut[] = [];
    for await (const e of client.streamEvents({ retryDelayMs: 5, ...params, signal: controller.signal })) {
      events.push(e);
      if (events.length === count) controller.abort();
    }
    return events;
  }

  it('parses events cut at odd byte boundaries, with heartbeats and CRLF', async () => {
    const sent = [event(1), event(2, 'héllo ✓ 🦖'), event(3, 'multi\nline')];
    const text = `: hello\n\n${frame(sent[0]!)}:heartbeat\n\n${frame(sent[1]!, '\r\n')}event: ready\ndata: not an event\n\n${frame(sent[2]!, '\r')}`;
    const bytes = Buffer.from(text, 'utf8');
    const pieces: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7) pieces.push(bytes.subarray(i, i + 7));
    server.setHandler(streamOf(pieces));
    const events = await take(
      3,
      { project_id: 3, protocol_run_id: 7 },
      createClient({ baseUrl: server.url, token: 't', projectToken: 'p' }),
    );
    expect(events).toEqual(sent);
    const req = server.requests[0]!;
    expect([req.method, req.path, req.query]).toEqual([
      'GET',
      '/events/stream',
      { project_id: '3', protocol_run_id: '7' },
    ]);
    expect(req.headers['accept']).toBe('text/event-stream');
    expect(req.headers['authorization']).toBe('Bearer t');
    expect(req.headers['x-project-token']).toBe('p');
    expect(req.headers['last-event-id']).toBeUndefined();
    expect(server.requests).toHaveLength(1);
  });

  it('reconnects after a drop with Last-Event-ID, never delivering the half-sent event', async () => {
    connections(
      streamOf([frame(event(1)), frame(event(2)), 'id: 3\ndata: {"id":3,"event_ty'], 'drop'),
      streamOf([frame(event(3)), frame(event(4))]),
    );
    const events = await take(4);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4]);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]!.headers['last-event-id']).toBeUndefined();
    expect(server.requests[1]!.headers['last-event-id']).toBe('2');
  });

  it('reconnects after a clean close too, and resumes from a given last_event_id', async () => {
    connections(streamOf([frame(event(11))], 'end'), streamOf([frame(event(12))]));
    const events = await take(2, { last_event_id: 10 });
    expect(events.map((e) => e.id)).toEqual([11, 12]);
    expect(server.requests.map((r) => r.headers['last-event-id'])).toEqual(['10', '11']);
  });

  it('reconnects when the connection goes idle', async () => {
    connections(streamOf([frame(event(1))]), streamOf([frame(event(2))]));
    const events = await take(2, { idleTimeoutMs: 300 });
    expect(events.map((e) => e.id)).toEqual([1, 2]);
    expect(server.requests[1]!.headers['last-event-id']).toBe('1');
  });

  it('retries a 503 and gives up on a 401 at once', async () => {
    connections(() => ({ status: 503, body: { status: 'degraded' } }), streamOf([frame(event(1))]));
    await expect(take(1)).resolves.toHaveLength(1);
    expect(server.requests).toHaveLength(2);

    server.requests.length = 0;
    server.setHandler(() => ({ status: 401, body: { detail: 'Unauthorized' } }));
    await expect(take(1)).rejects.toMatchObject({ status: 401, category: 'unauthorized', message: '401 Unauthorized' });
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after maxRetries failed connections with the network error', async () => {
    const gone = await startFakeServer();
    const base = gone.url;
    await gone.close();
    let calls = 0;
    const fetchImpl: FetchLike = (input, init) => {
      calls++;
      return globalThis.fetch(input, init);
    };
    const error = await take(
      1,
      { maxRetries: 2, retryDelayMs: 1 },
      createClient({ baseUrl: base, fetch: fetchImpl }),
    ).catch((e: unknown) => e);
    expect(isApiError(error) && [error.status, error.code]).toEqual([0, 'network_error']);
    expect(calls).toBe(3);
  });

  it('with reconnect: false, a clean close ends the iteration and a drop throws', async () => {
    server.setHandler(streamOf([frame(event(1))], 'end'));
    const client = createClient({ baseUrl: server.url });
    const ids: number[] = [];
    for await (const e of client.streamEvents({ reconnect: false })) ids.push(e.id);
    expect(ids).toEqual([1]);

    server.setHandler(streamOf([frame(event(1))], 'drop'));
    const error = await (async () => {
      for await (const _e of client.streamEvents({ reconnect: false })) void _e;
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, code: 'stream_dropped' });
  });

  it('an abort while waiting ends the iteration quietly and closes the connection', async () => {
    let closed!: Promise<void>;
    const controller = new AbortController();
    server.setHandler((_req, res) => {
      closed = new Promise((resolve) => res.on('close', () => resolve()));
      openStream(res);
      setTimeout(() => controller.abort(), 30);
    });
    const client = createClient({ baseUrl: server.url });
    const events: EventOut[] = [];
    for await (const e of client.streamEvents({ signal: controller.signal })) events.push(e);
    expect(events).toEqual([]);
    await closed;
    expect(server.requests).toHaveLength(1);
  });

  it('breaking out of the loop closes the connection', async () => {
    let closed!: Promise<void>;
    server.setHandler((_req, res) => {
      closed = new Promise((resolve) => res.on('close', () => resolve()));
      openStream(res);
      void writeSlowly(res, [frame(event(1)), frame(event(2))]);
    });
    const client = createClient({ baseUrl: server.url });
    for await (const e of client.streamEvents()) {
      expect(e.id).toBe(1);
      break;
    }
    await closed;
    expect(server.requests).toHaveLength(1);
  });
});
