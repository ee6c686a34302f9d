import type { Page } from '@tasksgodzilla/core';
import { createClient } from './client.js';
import type { StepRunOut } from './client.types.js';
import { startFakeServer, type FakeServer } from './fake-server.test-helpers.js';
import { collect, iterate, iteratePages, toPage } from './pagination.js';

const step = (id: number): StepRunOut => ({
  id,
  protocol_run_id: 7,
  step_index: id,
  step_name: `0${id}-step.md`,
  step_type: 'work',
  status: 'pending',
  retries: 0,
  model: null,
  engine_id: null,
  policy: null,
  runtime_state: null,
  summary: null,
  created_at: '2026-11-27T17:00:00.000Z',
  updated_at: '2026-11-27T17:00:00.000Z',
});

describe('iterate() over the api', () => {
  let server: FakeServer;
  const all = [1, 2, 3, 4, 5].map(step);

  beforeAll(async () => {
    // Cursor = index of the next item, as an opaque string.
    server = await startFakeServer((req) => {
      const limit = Number(req.query['limit'] ?? 50);
      const start = req.query['cursor'] ? Number(Buffer.from(req.query['cursor'], 'base64url').toString()) : 0;
      const items = all.slice(start, start + limit);
      const next = start + limit < all.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
      const headers: Record<string, string> = next ? { 'X-Next-Cursor': next } : {};
      return { body: items, headers };
    });
  });
  afterAll(() => server.close());

  it('walks every page following X-Next-Cursor', async () => {
    const client = createClient({ baseUrl: server.url });
    const ids: number[] = [];
    for await (const item of client.iterate((p) => client.listSteps(7, p), { limit: 2 })) ids.push(item.id);
    expect(ids).toEqual([1, 2, 3, 4, 5]);
    expect(server.requests.map((r) => r.query)).toEqual([
      { limit: '2' },
      { limit: '2', cursor: Buffer.from('2').toString('base64url') },
      { limit: '2', cursor: Buffer.from('4').toString('base64url') },
    ]);
    expect(server.requests.every((r) => r.path === '/protocols/7/steps')).toBe(true);
  });

  it('yields pages and stops at the page without a cursor', async () => {
    const client = createClient({ baseUrl: server.url });
    const pages: Page<StepRunOut>[] = [];
    for await (const page of iteratePages((p) => client.listSteps(7, p), { limit: 3 })) pages.push(page);
    expect(pages.map((p) => p.items.length)).toEqual([3, 2]);
    expect(pages[1]!.next_cursor).toBeNull();
  });

  it('collect() bounds the walk', async () => {
    const client = createClient({ baseUrl: server.url });
    server.requests.length = 0;
    const items = await collect(
      iterate((p) => client.listSteps(7, p), { limit: 2 }),
      3,
    );
    expect(items.map((s) => s.id)).toEqual([1, 2, 3]);
    expect(server.requests).toHaveLength(2);
  });
});

describe('pagination helpers', () => {
  it('stops on a repeated cursor instead of looping forever', async () => {
    const listFn = async () => ({ items: [1], next_cursor: 'same' });
    await expect(collect(iterate(listFn, {}))).rejects.toMatchObject({ category: 'conflict', code: 'cursor_loop' });
  });

  it('accepts an {items, next_cursor} body too', () => {
    const headers = new Headers();
    expect(toPage({ items: [1, 2], next_cursor: 'n' }, headers)).toEqual({ items: [1, 2], next_cursor: 'n' });
    expect(toPage([1], new Headers({ 'X-Next-Cursor': ' ' }))).toEqual({ items: [1], next_cursor: null });
  });
});
