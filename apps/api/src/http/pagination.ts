import type { FastifyReply } from 'fastify';
import { NEXT_CURSOR_HEADER } from '@tasksgodzilla/api-contract';
import type { Page } from '@tasksgodzilla/core';

/** Lists answer a bare JSON array, as the original did; the cursor of the next page goes in a header. */
export function sendPage<T, R>(reply: FastifyReply, page: Page<T>, map: (item: T) => R): R[] {
  if (page.next_cursor) void reply.header(NEXT_CURSOR_HEADER, page.next_cursor);
  return page.items.map(map);
}
