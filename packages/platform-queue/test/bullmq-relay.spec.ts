import { randomBytes } from 'node:crypto';
import { REDIS_URL, redisAvailable } from '@tasksgodzilla/testing';
import { systemClock } from '@tasksgodzilla/core';
import { createBullmqTransport } from '../src/bullmq-transport.js';
import type { Ledger } from '../src/ledger.js';
import { noopLogger } from '../src/ledger-queue.js';
import type { QueueJob } from '../src/queue.types.js';
import { deferred, waitFor } from './harness.js';

const redis = await redisAvailable();

const job = (name: string) =>
  ({
    run_id: `relay-${name}-${randomBytes(4).toString('hex')}`,
    job_type: 'alpha_job',
    queue: 'default',
    attempts: 0,
    priority: 0,
    run_at: new Date().toISOString(),
  }) as QueueJob;

describe.each(redis ? ['bullmq'] : [])('the %s relay', () => {
  it('writes the marks of jobs this process published in one call before it relays, and leaves those jobs alone', async () => {
    const jobs = [job('a'), job('b'), job('c')];
    const gate = { ...deferred(), waiting: false };
    const marked: string[][] = [];
    const ledger = {
      markPublished: async (published: readonly QueueJob[]) => {
        gate.waiting = true;
        await gate.promise;
        marked.push(published.map((one) => one.run_id));
      },
      listUnpublished: async () => jobs.filter((one) => !marked.flat().includes(one.run_id)),
      listPublishedQueued: async () => [],
    } as unknown as Ledger;
    const transport = createBullmqTransport({
      redisUrl: REDIS_URL,
      prefix: `tgz-test-${randomBytes(5).toString('hex')}`,
      clock: systemClock,
      logger: noopLogger,
    });
    try {
      await Promise.all(jobs.map((one) => transport.jobQueued(ledger, one)));
      // Published, their mark under way: the rows still read as unpublished, the relay leaves them.
      const relayed = transport.publishPending(ledger, { reconcile: false, limit: 10 });
      await waitFor(() => gate.waiting, 'the batched mark to start');
      gate.resolve();
      expect(await relayed).toBe(0);
      expect(marked).toEqual([jobs.map((one) => one.run_id)]);
    } finally {
      await transport.close();
    }
  });

  it('writes the pending marks when it closes', async () => {
    const one = job('close');
    const marked: string[] = [];
    const ledger = {
      markPublished: async (published: readonly QueueJob[]) => void marked.push(...published.map((j) => j.run_id)),
    } as unknown as Ledger;
    const transport = createBullmqTransport({
      redisUrl: REDIS_URL,
      prefix: `tgz-test-${randomBytes(5).toString('hex')}`,
      clock: systemClock,
      logger: noopLogger,
    });
    await transport.jobQueued(ledger, one);
    await transport.close();
    expect(marked).toEqual([one.run_id]);
  });

  it('writes no mark for a spell it claimed before the mark was due', async () => {
    const claimedOne = job('claimed');
    const waiting = job('waiting');
    const marked: string[] = [];
    const ledger = {
      markPublished: async (published: readonly QueueJob[]) => void marked.push(...published.map((j) => j.run_id)),
      claimById: async (runId: string) => ({ claimed: { ...claimedOne, run_id: runId, lease_token: runId } }),
    } as unknown as Ledger;
    const transport = createBullmqTransport({
      redisUrl: REDIS_URL,
      prefix: `tgz-test-${randomBytes(5).toString('hex')}`,
      clock: systemClock,
      logger: noopLogger,
    });
    await transport.jobQueued(ledger, claimedOne);
    expect((await transport.claim(ledger, 'worker', 30, ['default']))?.run_id).toBe(claimedOne.run_id);
    await transport.jobQueued(ledger, waiting);
    await transport.close();
    expect(marked).toEqual([waiting.run_id]);
  });
});

describe.each(redis ? ['bullmq'] : [])('the %s claim', () => {
  it('hands a message fetched with an acknowledgement back when no claim comes for it, so a second worker takes it', async () => {
    const first = job('held-first');
    const second = job('held-second');
    const claimed: string[] = [];
    const ledger = {
      markPublished: async () => undefined,
      claimById: async (runId: string) => {
        claimed.push(runId);
        return { claimed: { ...[first, second].find((one) => one.run_id === runId)!, lease_token: runId } };
      },
    } as unknown as Ledger;
    const prefix = `tgz-test-${randomBytes(5).toString('hex')}`;
    const open = () => createBullmqTransport({ redisUrl: REDIS_URL, prefix, clock: systemClock, logger: noopLogger });
    const busy = open();
    const idle = open();
    try {
      await busy.jobQueued(ledger, first);
      await busy.jobQueued(ledger, second);
      // The busy worker takes the first job; its acknowledgement fetches the second, and then it stays busy.
      expect((await busy.claim(ledger, 'busy', 30, ['default']))?.run_id).toBe(first.run_id);
      // The idle worker gets the second long before BullMQ's 30 s lock would release it.
      const taken = await waitFor(() => idle.claim(ledger, 'idle', 30, ['default']), 'the idle worker to claim');
      expect(taken.run_id).toBe(second.run_id);
      expect(claimed).toEqual([first.run_id, second.run_id]);
    } finally {
      await busy.close();
      await idle.close();
    }
  });
});
