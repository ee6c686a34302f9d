import type { QueueCounts, QueueStats } from './queue.types.js';

/**
 * The original's `/queues` layout: `{ backend, <queue name>: counts, … }`, with one key per queue
 * next to `backend` (the api returns this; `stats()` keeps queues in their own object for typing).
 */
export function flattenQueueStats(stats: QueueStats): { backend: string } & Record<string, QueueCounts | string> {
  return { ...stats.queues, backend: stats.backend };
}
