import type { FastifyReply } from 'fastify';
import type { Page } from '@tasksgodzilla/core';

/** Response header carrying the next page's cursor (the client reads it); absent on the last page. */
export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';

/** Lists answer a bare JSON array, as the original did; the cursor of the next page goes in a header. */
export function sendPage<T, R>(reply: FastifyReply, page: Page<T>, map: (item: T) => R): R[] {
  if (page.next_cursor) void reply.header(NEXT_CURSOR_HEADER, page.next_cursor);
  return page.items.map(map);
}
