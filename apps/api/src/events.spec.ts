import { connect } from 'node:net';
import { jest } from '@jest/globals';
import { createClient, type EventOut, type StreamEventsParams, type TasksGodzillaClient } from '@tasksgodzilla/client';
import { waitFor } from '@tasksgodzilla/testing';
import { openApi, TEMPLATE_DIR, useApi } from './api.test-helpers.js';
import { SSE_MAX_BUFFERED_BYTES } from './http/event-stream.js';

/** Reads events from an async iterator until `count` arrived. */
async function take(iterator: AsyncIterator<EventOut>, count: number): Promise<EventOut[]> {
  const out: EventOut[] = [];
  while (out.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

/** An event stream of `client` read `count` events at a time, until `stop`. */
function openStream(
  client: TasksGodzillaClient,
  params: Omit<StreamEventsParams, 'signal'>,
): { take(count: number): Promise<EventOut[]>; stop(): void } {
  const controller = new AbortController();
  const iterator = client.streamEvents({ ...params, signal: controller.signal })[Symbol.asyncIterator]();
  return { take: (count) => take(iterator, count), stop: () => controller.abort() };
}

/** The newest event's id: a stream resumed from it is independent of when it connects. */
async function newestEventId(client: TasksGodzillaClient): Promise<number> {
  return (await client.listEvents({ limit: 1 })).items[0]?.id ?? 0;
}

describe('GET /events', () => {
  const h = useApi({ project: true });

  it('lists newest first with joined names, filters by project and run, pages with X-Next-Cursor', async () => {
    const { id } = await h.planned(h.projectId, '0001-events');
    const all = await h.call<EventOut[]>('GET', '/events', { query: { limit: 500 } });
    expect(all.status).toBe(200);
    const ids = all.body.map((e) => e.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    const planned = all.body.find((e) => e.event_type === 'planned');
    expect(planned).toMatchObject({
      protocol_run_id: id,
      project_id: h.projectId,
      protocol_name: '0001-events',
      project_name: 'demo',
    });

    const byRun = await h.call<EventOut[]>('GET', '/events', { query: { protocol_run_id: id } });
    expect(byRun.body.length).toBeGreaterThan(0);
    expect(byRun.body.every((e) => e.protocol_run_id === id)).toBe(true);
    const byProject = await h.call<EventOut[]>('GET', '/events', { query: { project_id: h.projectId, limit: 2 } });
    expect(byProject.body).toHaveLength(2);
    const cursor = byProject.headers['x-next-cursor'] as string;
    expect(cursor).toBeTruthy();
    const next = await h.call<EventOut[]>('GET', '/events', { query: { project_id: h.projectId, limit: 2, cursor } });
    expect(next.body[0]!.id).toBeLessThan(byProject.body[1]!.id);

    expect((await h.call('GET', '/events', { query: { project_id: 999999 } })).status).toBe(404);
    expect((await h.call('GET', '/events', { query: { protocol_run_id: 999999 } })).status).toBe(404);
    const badKind = await h.call('GET', '/events', { query: { kind: 'everything' } });
    expect(badKind.status).toBe(422);
    expect(badKind.body.detail[0].loc).toEqual(['query', 'kind']);
    expect((await h.call('GET', '/events', { query: { limit: 501 } })).status).toBe(422);
  });
});

describe('GET /events/stream (server-sent events over a real socket)', () => {
  const h = useApi({ api: { ssePollMs: 50, sseHeartbeatMs: 100 }, project: true });
  let baseUrl: string;
  beforeAll(async () => {
    baseUrl = await h.app.listen({ host: '127.0.0.1', port: 0 });
  });

  it('delivers live events as id/event/data, and resumes after Last-Event-ID without loss or repeats', async () => {
    const client = createClient({ baseUrl });
    const stream = openStream(client, { project_id: h.projectId, last_event_id: await newestEventId(client) });
    const firstRead = stream.take(1);
    const created = await client.createProtocol(h.projectId, { protocol_name: '0001-stream', template: TEMPLATE_DIR });
    await client.startProtocol(created.id, { requestId: 'req-sse-1' });
    const [first] = await firstRead;
    expect(first).toMatchObject({
      event_type: 'planning_enqueued',
      protocol_run_id: created.id,
      project_id: h.projectId,
      protocol_name: '0001-stream',
    });
    expect(first!.metadata?.request_id).toBe('req-sse-1');
    stream.stop();

    // Events written while nobody listens (by the worker), then a resume from the last id seen.
    await h.drain();
    const expected = (await client.listEvents({ protocol_run_id: created.id, limit: 500 })).items
      .filter((e) => e.id > first!.id)
      .reverse();
    expect(expected.length).toBeGreaterThan(0);
    const resumed = openStream(client, { protocol_run_id: created.id, last_event_id: first!.id });
    const got = await resumed.take(expected.length);
    resumed.stop();
    expect(got.map((e) => e.id)).toEqual(expected.map((e) => e.id));
    expect(got.map((e) => e.event_type)).toContain('planned');
  });

  it('picks up events written by other processes (not through this telemetry) by polling', async () => {
    const client = createClient({ baseUrl });
    const stream = openStream(client, { project_id: h.projectId, last_event_id: await newestEventId(client) });
    await h.runtime.storage.events.append({ project_id: h.projectId, event_type: 'external_note', message: 'first' });
    const [first] = await stream.take(1);
    // The stream is connected and caught up; this one reaches it only through the poll.
    await h.runtime.storage.events.append({ project_id: h.projectId, event_type: 'external_note', message: 'second' });
    const [second] = await stream.take(1);
    stream.stop();
    expect([first?.message, second?.message]).toEqual(['first', 'second']);
    expect(second).toMatchObject({ event_type: 'external_note', protocol_run_id: null });
  });

  it('sends heartbeat comments, answers errors before streaming, and honours ?last_event_id=', async () => {
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}/events/stream?project_id=${h.projectId}&last_event_id=0`, {
      signal: controller.signal,
      headers: { 'x-request-id': 'req-stream' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('x-request-id')).toBe('req-stream');
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes(': heartbeat')) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    controller.abort();
    expect(text).toMatch(/^retry: \d+/);
    // From id 0: the whole project history came first, oldest first.
    expect(text).toMatch(/id: \d+\nevent: setup_enqueued\ndata: \{/);
    expect(text).toContain(': heartbeat');

    const missing = await fetch(`${baseUrl}/events/stream?project_id=999999`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ detail: 'Project not found', code: 'not_found', category: 'not_found' });
    const bad = await fetch(`${baseUrl}/events/stream?last_event_id=-4`);
    expect(bad.status).toBe(422);
  });

  it('releases a stream when its client disconnects (no more polling)', async () => {
    const events = h.runtime.storage.events;
    const original = events.feed.bind(events);
    let reads = 0;
    const spy = jest.spyOn(events, 'feed').mockImplementation(async (...args: Parameters<typeof original>) => {
      const feed = await original(...args);
      return {
        get position() {
          return feed.position;
        },
        read: (limit?: number) => {
          reads += 1;
          return feed.read(limit);
        },
      };
    });
    try {
      const controller = new AbortController();
      const response = await fetch(`${baseUrl}/events/stream?project_id=${h.projectId}`, { signal: controller.signal });
      const reader = response.body!.getReader();
      await reader.read();
      await waitFor(
        async () => reads,
        (count) => count >= 2,
        'two polls of the feed',
        30_000,
      );
      controller.abort();
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      // Once the server has seen the disconnect, the stream's poll stops for good.
      let before = -1;
      for (let round = 0; round < 40 && before !== reads; round++) {
        before = reads;
        await sleep(250);
      }
      await sleep(300);
      expect(reads).toBe(before);
    } finally {
      spy.mockRestore();
    }
  });

  it('sends heartbeats to every open stream (one shared timer), and to the others after one leaves', async () => {
    const open = async () => {
      const controller = new AbortController();
      const response = await fetch(`${baseUrl}/events/stream?project_id=${h.projectId}`, { signal: controller.signal });
      const reader = response.body!.getReader();
      let text = '';
      /** Reads until `count` heartbeats have come in all. */
      const heartbeats = async (count: number) => {
        while (text.split(': heartbeat').length - 1 < count) {
          const chunk = await reader.read();
          if (chunk.done) throw new Error('stream ended');
          text += new TextDecoder().decode(chunk.value);
        }
      };
      return { heartbeats, stop: () => controller.abort() };
    };
    const first = await open();
    const second = await open();
    await Promise.all([first.heartbeats(1), second.heartbeats(1)]);
    first.stop();
    await second.heartbeats(3);
    second.stop();
  });

  it('cuts off a client that stops reading, and what it got is a gap-free prefix to resume from', async () => {
    const other = await openApi({ api: { ssePollMs: 20 } });
    try {
      const url = new URL(await other.app.listen({ host: '127.0.0.1', port: 0 }));
      const socket = connect(Number(url.port), url.hostname);
      socket.write(`GET /events/stream?last_event_id=0 HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
      let text = '';
      let ended = false;
      let paused = false;
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
        if (!paused && text.includes(': connected')) {
          paused = true;
          socket.pause();
        }
      });
      socket.on('end', () => (ended = true));
      socket.on('error', () => (ended = true));
      await waitFor(
        async () => text,
        (read) => read.includes(': connected'),
        'the stream to open',
        30_000,
      );
      const connections = () =>
        new Promise<number>((resolve, reject) =>
          other.app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
        );
      // Events of 16 KiB until the server lets the stalled client go (kernel buffers first, then its limit).
      const message = 'x'.repeat(16 * 1024);
      const project = await other.runtime.storage.projects.create({ name: 'slow-reader', git_url: other.repo.path });
      let written = 0;
      await waitFor(
        async () => {
          for (let i = 0; i < 20; i++)
            await other.runtime.storage.events.append({ project_id: project.id, event_type: 'bulk_note', message });
          written += 20;
          return connections();
        },
        (count) => count === 0,
        'the stalled stream to be cut off',
        60_000,
      );
      expect(written * message.length).toBeGreaterThan(SSE_MAX_BUFFERED_BYTES);
      socket.resume();
      await waitFor(
        async () => ended,
        (done) => done,
        'the rest of what was sent, then the end',
        30_000,
      );
      const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.length).toBeLessThan(written);
      // In order from the first event, none skipped: Last-Event-ID resumes exactly from the last one.
      expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));
    } finally {
      await other.close();
    }
  });

  it('ends open streams when the api closes', async () => {
    const other = await openApi({ api: { ssePollMs: 50 } });
    const url = await other.app.listen({ host: '127.0.0.1', port: 0 });
    const response = await fetch(`${url}/events/stream`);
    const reader = response.body!.getReader();
    await reader.read();
    await other.close();
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(done).toBe(true);
  });
});
