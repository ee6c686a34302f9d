import { randomBytes } from 'node:crypto';
import { REDIS_URL, redisAvailable } from '@tasksgodzilla/testing';
import { systemClock } from '@tasksgodzilla/core';
import { createBullmqTransport } from '../src/bullmq-transport.js';
import type { Ledger } from '../src/ledger.js';
import { noopLogger } from '../src/ledger-queue.js';
import type { QueueJob } from '../src/queue.types.js';
import { deferred } from './harness.js';

const redis = await redisAvailable();

describe.each(redis ? ['bullmq'] : [])('the %s relay', () => {
  it('leaves a job whose publish is under way in this process to that publish', async () => {
    const job = {
      run_id: `relay-${randomBytes(4).toString('hex')}`,
      job_type: 'alpha_job',
      queue: 'default',
      attempts: 0,
      priority: 0,
      run_at: new Date().toISOString(),
    } as QueueJob;
    const gate = deferred();
    const marked: string[] = [];
    const ledger = {
      markPublished: async (published: QueueJob) => {
        await gate.promise;
        marked.push(published.run_id);
      },
      listUnpublished: async () => [job],
      listPublishedQueued: async () => [],
    } as unknown as Ledger;
    const transport = createBullmqTransport({
      redisUrl: REDIS_URL,
      prefix: `tgz-test-${randomBytes(5).toString('hex')}`,
      clock: systemClock,
      logger: noopLogger,
    });
    try {
      const enqueued = transport.jobQueued(ledger, job);
      // The enqueue's publish now waits on markPublished; the row still reads as unpublished.
      expect(await transport.publishPending(ledger, { reconcile: false, limit: 10 })).toBe(0);
      gate.resolve();
      await enqueued;
      expect(marked).toEqual([job.run_id]);
    } finally {
      await transport.close();
    }
  });
});
