import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Clock } from '@tasksgodzilla/core';
import type { Ledger } from './ledger.js';
import type { ClaimedJob, QueueJob, QueueLogger } from './queue.types.js';
import type { Transport } from './transport.types.js';
import { NO_WAKEUPS } from './wakeups.js';

export interface BullmqTransportOptions {
  redisUrl: string;
  prefix: string;
  clock: Clock;
  logger: QueueLogger;
  /** Upper bound of one publish to Redis, so a Redis outage cannot hang an enqueue (default 5000). */
  publishTimeoutMs?: number;
}

interface Message {
  run_id: string;
}

// BullMQ: priority 1 is the highest, 2^21 the lowest, and jobs without a priority jump ahead of all
// prioritized ones, so every message gets one: ledger priority p (higher first) maps around the middle.
const PRIORITY_MIDPOINT = 1_048_576;
const PRIORITY_MAX = 2_097_152;

export function bullmqPriority(priority: number): number {
  return Math.min(PRIORITY_MAX, Math.max(1, PRIORITY_MIDPOINT - Math.trunc(priority)));
}

/**
 * The BullMQ job id of a job's current queued spell: the run id, suffixed with the attempt count
 * once it has run. Publishing the same spell twice is a no-op; each new spell gets a fresh id.
 */
export function messageId(job: Pick<QueueJob, 'run_id' | 'attempts'>): string {
  return job.attempts === 0 ? job.run_id : `${job.run_id}-${job.attempts}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * BullMQ only carries run ids. A worker takes a message, claims the ledger row by id with the same
 * fenced SQL as the embedded backend, and acknowledges the message at once: from then on the ledger
 * lease (not BullMQ's lock) guards the attempt. A message whose row is not claimable is dropped, or
 * delayed again when the row is queued for later.
 */
export function createBullmqTransport(options: BullmqTransportOptions): Transport {
  const { clock, logger, prefix } = options;
  const publishTimeoutMs = options.publishTimeoutMs ?? 5000;
  // Producer commands fail fast; the workers' connection waits out Redis restarts (BullMQ requires it).
  const producer = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  const consumer = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  for (const connection of [producer, consumer])
    connection.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  const queues = new Map<string, Queue>();
  const workers = new Map<string, Worker>();
  let tokens = 0;

  const queueFor = (name: string): Queue => {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: producer, prefix });
      queue.on('error', (error) => logger.warn({ err: error, queue: name }, 'bullmq queue error'));
      queues.set(name, queue);
    }
    return queue;
  };

  const workerFor = (name: string): Worker => {
    let worker = workers.get(name);
    if (!worker) {
      // Manual fetching (no processor): the runner pulls with getNextJob, so both backends share one loop.
      worker = new Worker(name, null, { connection: consumer, prefix, autorun: false });
      worker.on('error', (error) => logger.warn({ err: error, queue: name }, 'bullmq worker error'));
      void worker
        .startStalledCheckTimer()
        .catch((error: unknown) => logger.warn({ err: error, queue: name }, 'bullmq stalled checker failed to start'));
      workers.set(name, worker);
    }
    return worker;
  };

  const realTime = (iso: string) => Date.now() + (Date.parse(iso) - clock.now().getTime());

  const add = async (job: QueueJob) => {
    const delay = Math.max(0, Date.parse(job.run_at) - clock.now().getTime());
    await withTimeout(
      queueFor(job.queue).add(job.job_type, { run_id: job.run_id } satisfies Message, {
        jobId: messageId(job),
        delay,
        priority: bullmqPriority(job.priority),
        attempts: 1,
        removeOnComplete: true,
        removeOnFail: true,
      }),
      publishTimeoutMs,
      'bullmq publish',
    );
  };

  // Spells being published by this process right now: the relay leaves them to the publish under way
  // (an enqueue's publish runs after commit, so the relay may see the row unpublished meanwhile).
  const publishing = new Set<string>();

  const publish = async (ledger: Ledger, job: QueueJob): Promise<boolean> => {
    const id = messageId(job);
    publishing.add(id);
    try {
      await add(job);
      await ledger.markPublished(job);
      return true;
    } catch (error) {
      logger.warn({ err: error, run_id: job.run_id }, 'publishing a job to bullmq failed; the relay will retry');
      return false;
    } finally {
      publishing.delete(id);
    }
  };

  const settle = async (message: Job, token: string, action: 'ack' | { delayUntil: string }) => {
    try {
      if (action === 'ack') await message.moveToCompleted(null, token, false);
      else await message.moveToDelayed(realTime(action.delayUntil), token);
    } catch (error) {
      // The stalled checker hands an unacknowledged message out again; the claim is fenced anyway.
      logger.warn({ err: error, message_id: message.id }, 'acknowledging a bullmq message failed');
    }
  };

  return {
    name: 'bullmq',
    wakeups: NO_WAKEUPS,

    async jobQueued(ledger, job) {
      await publish(ledger, job);
    },

    async jobCancelled(_ledger, job) {
      try {
        await queueFor(job.queue).remove(messageId(job));
      } catch {
        // A message still around is dropped when its claim finds the row cancelled.
      }
    },

    async claim(ledger, workerId, leaseSeconds, names): Promise<ClaimedJob | null> {
      for (const name of names) {
        const worker = workerFor(name);
        // Bounded: stale messages (rows already taken or finished) are dropped along the way.
        for (let i = 0; i < 50; i++) {
          const token = `${workerId}-${++tokens}`;
          const message = (await worker.getNextJob(token, { block: false })) as Job<Message> | undefined;
          if (!message) break;
          const runId = message.data?.run_id;
          const result =
            typeof runId === 'string'
              ? await ledger.claimById(runId, workerId, leaseSeconds)
              : ({ gone: true } as const);
          if ('notDueUntil' in result) {
            await settle(message, token, { delayUntil: result.notDueUntil });
            continue;
          }
          await settle(message, token, 'ack');
          if ('claimed' in result) return result.claimed;
        }
      }
      return null;
    },

    // A BullMQ worker claims off Redis (`claim`); the runner's loop takes the next job.
    completeAndClaim: async (ledger, job, outcome) => ({ job: await ledger.complete(job, outcome), next: null }),

    async publishPending(ledger, { reconcile, limit }) {
      let published = 0;
      for (const job of await ledger.listUnpublished(limit)) {
        if (publishing.has(messageId(job))) continue;
        if (await publish(ledger, job)) published++;
      }
      if (!reconcile) return published;
      // The ledger is the source of truth: a queued row whose message vanished (flushed Redis, a
      // message dropped while the row changed) is published again; a due row whose message still
      // waits in BullMQ's delayed set is promoted.
      for (const job of await ledger.listPublishedQueued(limit)) {
        const queue = queueFor(job.queue);
        const id = messageId(job);
        try {
          const state = await queue.getJobState(id);
          if (state === 'unknown' || state === 'completed' || state === 'failed') {
            if (state !== 'unknown') await queue.remove(id);
            await add(job);
            published++;
          } else if (state === 'delayed' && Date.parse(job.run_at) <= clock.now().getTime()) {
            await (await queue.getJob(id))?.promote();
          }
        } catch (error) {
          logger.warn({ err: error, run_id: job.run_id }, 'reconciling a job with bullmq failed');
        }
      }
      return published;
    },

    async close() {
      await Promise.allSettled([...workers.values()].map((worker) => worker.close()));
      await Promise.allSettled([...queues.values()].map((queue) => queue.close()));
      workers.clear();
      queues.clear();
      await Promise.allSettled([producer.quit(), consumer.quit()]);
    },
  };
}
