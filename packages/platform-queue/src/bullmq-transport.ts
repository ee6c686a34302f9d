import { Job, Queue, Worker, type JobJsonRaw } from 'bullmq';
import { Redis } from 'ioredis';
import type { Clock } from '@tasksgodzilla/core';
import type { Ledger } from './ledger.js';
import type { ClaimedJob, QueueJob, QueueLogger } from './queue.types.js';
import type { Transport } from './transport.types.js';
import { NO_WAKEUPS } from './no-wakeups.js';

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

// Published spells are recorded in the ledger in batches: after this long, or at this many (most are
// claimed before, and a claimed spell needs no mark).
const MARK_DELAY_MS = 250;
const MARK_BATCH = 100;
// A message fetched with an acknowledgement waits this long for the next claim before it goes back.
const PREFETCH_HOLD_MS = 50;

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

  // Spells published whose `published_at` is not written yet: written together shortly after (one
  // statement for a burst of publishes instead of one commit per job). Meanwhile this process's relay
  // leaves them alone; another process's relay publishing one again is a no-op (same job id), and a
  // crash before the write costs only that.
  const unmarked = new Map<string, QueueJob>();
  const writing = new Set<string>();
  let marks: { ledger: Ledger; timer: NodeJS.Timeout } | null = null;
  let marking: Promise<void> = Promise.resolve();

  const writeMarks = (ledger: Ledger): Promise<void> => {
    if (marks) clearTimeout(marks.timer);
    marks = null;
    const jobs = [...unmarked.values()];
    unmarked.clear();
    const ids = jobs.map(messageId);
    for (const id of ids) writing.add(id);
    marking = marking.then(async () => {
      try {
        if (jobs.length > 0) await ledger.markPublished(jobs);
      } catch (error) {
        logger.warn(
          { err: error, jobs: jobs.length },
          'recording published jobs failed; the relay publishes them again',
        );
      } finally {
        for (const id of ids) writing.delete(id);
      }
    });
    return marking;
  };

  const markLater = (ledger: Ledger, job: QueueJob) => {
    unmarked.set(messageId(job), job);
    if (unmarked.size >= MARK_BATCH) void writeMarks(ledger);
    else if (!marks) {
      const timer = setTimeout(() => void writeMarks(ledger), MARK_DELAY_MS);
      timer.unref();
      marks = { ledger, timer };
    }
  };

  // A spell this process took off Redis and claimed (or found gone) is no longer queued: its mark would
  // write nothing (`markPublished` only marks queued spells), so it is not written at all.
  const taken = (message: Job<Message>) => {
    if (message.id !== undefined) unmarked.delete(message.id);
  };

  const publish = async (ledger: Ledger, job: QueueJob): Promise<boolean> => {
    const id = messageId(job);
    publishing.add(id);
    try {
      await add(job);
      markLater(ledger, job);
      return true;
    } catch (error) {
      logger.warn({ err: error, run_id: job.run_id }, 'publishing a job to bullmq failed; the relay will retry');
      return false;
    } finally {
      publishing.delete(id);
    }
  };

  // A message BullMQ handed over with the acknowledgement of the previous one (its `fetchNext`), per
  // queue: the next claim takes it without a round trip of its own. It is locked by the token of the
  // acknowledged one. A claim that does not come within PREFETCH_HOLD_MS (the runner is busy with a
  // long job) hands it back to waiting, so another worker takes it at once instead of after BullMQ's
  // lock and stalled check (30 s or more); the claim by id is fenced either way.
  const prefetched = new Map<string, { message: Job<Message>; token: string; release: NodeJS.Timeout }>();

  const handBack = (queue: string) => {
    const held = prefetched.get(queue);
    if (!held) return Promise.resolve();
    prefetched.delete(queue);
    clearTimeout(held.release);
    return held.message.moveToWait(held.token).then(
      () => undefined,
      (error: unknown) =>
        logger.warn({ err: error, message_id: held.message.id }, 'handing back a bullmq message failed'),
    );
  };

  /** Acknowledges (and fetches the next message of the queue) or delays a message; never throws. */
  const settle = async (
    worker: Worker,
    message: Job,
    token: string,
    action: 'ack' | { delayUntil: string },
  ): Promise<void> => {
    try {
      if (action !== 'ack') {
        await message.moveToDelayed(realTime(action.delayUntil), token);
        return;
      }
      const next = (await message.moveToCompleted(null, token, true)) as unknown[] | undefined;
      const [data, id] = next ?? [];
      if (data && typeof id === 'string') {
        const fetched = Job.fromJSON(worker, data as JobJsonRaw, id) as Job<Message>;
        // One held per queue: another slot's acknowledgement fetched one already, this one goes back.
        if (prefetched.has(worker.name)) {
          await fetched.moveToWait(token);
          return;
        }
        const release = setTimeout(() => void handBack(worker.name), PREFETCH_HOLD_MS);
        release.unref();
        prefetched.set(worker.name, { message: fetched, token, release });
      }
    } catch (error) {
      // The stalled checker hands an unacknowledged message out again; the claim is fenced anyway.
      logger.warn({ err: error, message_id: message.id }, 'acknowledging a bullmq message failed');
    }
  };

  /** The queue's next message: the prefetched one, else one taken off Redis. */
  const nextMessage = async (worker: Worker, workerId: string) => {
    const held = prefetched.get(worker.name);
    if (held) {
      prefetched.delete(worker.name);
      clearTimeout(held.release);
      return { message: held.message, token: held.token };
    }
    const token = `${workerId}-${++tokens}`;
    const message = (await worker.getNextJob(token, { block: false })) as Job<Message> | undefined;
    return message ? { message, token } : null;
  };

  return {
    name: 'bullmq',
    wakeups: NO_WAKEUPS,
    publishedOnInsert: false,

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
          const next = await nextMessage(worker, workerId);
          if (!next) break;
          const { message, token } = next;
          const runId = message.data?.run_id;
          const result =
            typeof runId === 'string'
              ? await ledger.claimById(runId, workerId, leaseSeconds)
              : ({ gone: true } as const);
          if ('notDueUntil' in result) {
            await settle(worker, message, token, { delayUntil: result.notDueUntil });
            continue;
          }
          taken(message);
          await settle(worker, message, token, 'ack');
          if ('claimed' in result) return result.claimed;
        }
      }
      return null;
    },

    // With a message of the first queue already held (fetched with the last acknowledgement), the finish
    // and the claim of that message's row share one commit, as `claim` would take it next; otherwise the
    // runner's loop claims off Redis (`claim`).
    async completeAndClaim(ledger, job, outcome, { workerId, leaseSeconds, queues }) {
      const name = queues[0];
      const held = name === undefined ? undefined : prefetched.get(name);
      const worker = name === undefined ? undefined : workers.get(name);
      const runId = held?.message.data?.run_id;
      if (!held || !worker || typeof runId !== 'string')
        return { job: await ledger.complete(job, outcome), next: null };
      prefetched.delete(worker.name);
      clearTimeout(held.release);
      let done: Awaited<ReturnType<Ledger['completeAndClaimById']>>;
      try {
        done = await ledger.completeAndClaimById(job, outcome, runId, workerId, leaseSeconds);
      } catch (error) {
        // Nothing claimed: the message goes back to waiting for the next claim.
        await held.message.moveToWait(held.token).catch((moveError: unknown) => {
          logger.warn({ err: moveError, message_id: held.message.id }, 'handing back a bullmq message failed');
        });
        throw error;
      }
      const { next } = done;
      if (!('notDueUntil' in next)) taken(held.message);
      await settle(worker, held.message, held.token, 'notDueUntil' in next ? { delayUntil: next.notDueUntil } : 'ack');
      return { job: done.job, next: 'claimed' in next ? next.claimed : null };
    },

    async publishPending(ledger, { reconcile, limit }) {
      // The relay reads the ledger: this process's pending marks go in first.
      if (marks) await writeMarks(marks.ledger);
      await marking;
      let published = 0;
      for (const job of await ledger.listUnpublished(limit)) {
        const id = messageId(job);
        if (publishing.has(id) || unmarked.has(id) || writing.has(id)) continue;
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
      if (marks) await writeMarks(marks.ledger);
      await marking;
      // Prefetched messages go back to waiting for the next worker (else BullMQ's lock has to expire first).
      await Promise.all([...prefetched.keys()].map(handBack));
      await Promise.allSettled([...workers.values()].map((worker) => worker.close()));
      await Promise.allSettled([...queues.values()].map((queue) => queue.close()));
      workers.clear();
      queues.clear();
      await Promise.allSettled([producer.quit(), consumer.quit()]);
    },
  };
}
