import type { Ledger } from './ledger.js';
import type { ClaimedJob, HandlerResult, QueueBackendName, QueueJob } from './queue.types.js';
import type { WakeupChannel } from './wakeups.js';

/**
 * How jobs reach workers. The ledger decides every state change; a transport only moves run ids:
 * embedded workers claim straight from the table, BullMQ workers take an id off Redis first.
 */
export interface Transport {
  readonly name: QueueBackendName;
  /** How idle workers of other processes hear of new jobs (none: they poll). */
  readonly wakeups: WakeupChannel;
  /** Jobs are inserted already delivered (the table is the transport): no relay publishes them. */
  readonly publishedOnInsert: boolean;
  /** A job became queued (enqueue committed, retry scheduled, lease reclaimed, release, retry()). Never throws. */
  jobQueued(ledger: Ledger, job: QueueJob): Promise<void>;
  /** A queued job was cancelled (lets the transport drop its message). Never throws. */
  jobCancelled(ledger: Ledger, job: QueueJob): Promise<void>;
  claim(ledger: Ledger, workerId: string, leaseSeconds: number, queues: string[]): Promise<ClaimedJob | null>;
  /** Completes `job`, then claims the next job (null: none, or the transport claims only through `claim`). */
  completeAndClaim(
    ledger: Ledger,
    job: ClaimedJob,
    outcome: HandlerResult,
    claim: { workerId: string; leaseSeconds: number; queues: string[] },
  ): Promise<{ job: QueueJob; next: ClaimedJob | null; searched?: boolean }>;
  publishPending(ledger: Ledger, options: { reconcile: boolean; limit: number }): Promise<number>;
  close(): Promise<void>;
}
