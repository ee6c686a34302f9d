import type { Transport } from './transport.types.js';
import { NO_WAKEUPS, type WakeupChannel } from './wakeups.js';

/**
 * The table is the queue: claiming is the ledger's `UPDATE … RETURNING`, nothing to publish; idle
 * workers of other processes are woken through `wakeups`.
 */
export function createEmbeddedTransport(wakeups: WakeupChannel = NO_WAKEUPS): Transport {
  return {
    name: 'embedded',
    wakeups,
    publishedOnInsert: true,
    jobQueued: async () => undefined,
    jobCancelled: async () => undefined,
    claim: (ledger, workerId, leaseSeconds, queues) => ledger.claimNext(workerId, leaseSeconds, queues),
    // The table is the queue: the finish and the next claim share one commit.
    completeAndClaim: (ledger, job, outcome, { workerId, leaseSeconds, queues }) =>
      ledger.completeAndClaimNext(job, outcome, workerId, leaseSeconds, queues),
    publishPending: async () => 0,
    close: () => wakeups.close(),
  };
}
