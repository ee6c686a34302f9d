import type { Transport } from './transport.types.js';

/** The table is the queue: claiming is the ledger's `UPDATE … RETURNING`, nothing to publish. */
export function createEmbeddedTransport(): Transport {
  return {
    name: 'embedded',
    jobQueued: async () => undefined,
    jobCancelled: async () => undefined,
    claim: (ledger, workerId, leaseSeconds, queues) => ledger.claimNext(workerId, leaseSeconds, queues),
    publishPending: async () => 0,
    close: async () => undefined,
  };
}
