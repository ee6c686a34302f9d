import { errorMessage } from '@tasksgodzilla/core';
import type { QueueBackendName, QueueLogger } from './queue.types.js';
import type { Transport } from './transport.types.js';
import { NO_WAKEUPS } from './wakeups.js';

/**
 * A transport whose implementation (and its libraries) is loaded on first use, so a process that
 * never touches the queue's transport does not pay for loading it. The loader runs once; `close()`
 * before any use loads nothing. `jobQueued` / `jobCancelled` keep the never-throw contract: a load
 * failure is logged (and retried on the next call); claims and publishes reject with it.
 */
export function createLazyTransport(
  name: QueueBackendName,
  load: () => Promise<Transport>,
  logger: QueueLogger,
): Transport {
  let loading: Promise<Transport> | null = null;
  const get = (): Promise<Transport> => {
    loading ??= load().catch((error: unknown) => {
      loading = null;
      throw error;
    });
    return loading;
  };
  const notify = async (what: string, use: (transport: Transport) => Promise<void>): Promise<void> => {
    let transport: Transport;
    try {
      transport = await get();
    } catch (error) {
      logger.warn({ err: error }, `${name} transport could not be loaded (${what}): ${errorMessage(error)}`);
      return;
    }
    await use(transport);
  };
  return {
    name,
    // Only push-based backends (BullMQ) are loaded lazily: their workers need no wake-up channel.
    wakeups: NO_WAKEUPS,
    publishedOnInsert: false,
    jobQueued: (ledger, job) => notify('job queued', (transport) => transport.jobQueued(ledger, job)),
    jobCancelled: (ledger, job) => notify('job cancelled', (transport) => transport.jobCancelled(ledger, job)),
    claim: async (ledger, workerId, leaseSeconds, queues) =>
      (await get()).claim(ledger, workerId, leaseSeconds, queues),
    completeAndClaim: async (ledger, job, outcome, claim) =>
      (await get()).completeAndClaim(ledger, job, outcome, claim),
    publishPending: async (ledger, options) => (await get()).publishPending(ledger, options),
    async close() {
      if (!loading) return;
      const transport = await loading.catch(() => null);
      await transport?.close();
    },
  };
}
