import { NEXT_CURSOR_HEADER } from '@tasksgodzilla/api-contract';
import { ConflictError, type Page, type PageRequest } from '@tasksgodzilla/core';

/**
 * Builds a Page from a list response. The api answers a bare JSON array (as the original did) with
 * the next cursor in `X-Next-Cursor`; an `{items, next_cursor}` body is accepted as well.
 */
export function toPage<T>(body: unknown, headers: Headers): Page<T> {
  const header = headers.get(NEXT_CURSOR_HEADER);
  const next = header && header.trim() ? header.trim() : null;
  if (Array.isArray(body)) return { items: body as T[], next_cursor: next };
  if (body && typeof body === 'object' && Array.isArray((body as Page<T>).items)) {
    const page = body as Page<T>;
    return { items: page.items, next_cursor: page.next_cursor ?? next };
  }
  return { items: [], next_cursor: next };
}

export type ListFn<T, P extends PageRequest> = (params: P) => Promise<Page<T>>;

/**
 * Walks every page of a list method, yielding pages. Stops on the last page; a server that hands
 * back a cursor it already gave would loop forever, so that is an error.
 */
export async function* iteratePages<T, P extends PageRequest>(
  listFn: ListFn<T, P>,
  params?: P,
): AsyncGenerator<Page<T>, void, undefined> {
  const seen = new Set<string>();
  let cursor = params?.cursor ?? null;
  for (;;) {
    const page = await listFn({ ...(params ?? ({} as P)), cursor });
    yield page;
    if (!page.next_cursor) return;
    if (seen.has(page.next_cursor))
      throw new ConflictError(`pagination cursor repeated: ${page.next_cursor}`, { code: 'cursor_loop' });
    seen.add(page.next_cursor);
    cursor = page.next_cursor;
  }
}

/**
 * Walks every page of a list method, yielding items:
 * `for await (const run of iterate((p) => client.listProtocols(7, p), { limit: 100 }))`.
 */
export async function* iterate<T, P extends PageRequest>(
  listFn: ListFn<T, P>,
  params?: P,
): AsyncGenerator<T, void, undefined> {
  for await (const page of iteratePages(listFn, params)) yield* page.items;
}

/** Collects every item of an iterate() walk (bounded by `max` when given). */
export async function collect<T>(items: AsyncIterable<T>, max = Number.POSITIVE_INFINITY): Promise<T[]> {
  const out: T[] = [];
  if (max <= 0) return out;
  for await (const item of items) {
    out.push(item);
    if (out.length >= max) break;
  }
  return out;
}
