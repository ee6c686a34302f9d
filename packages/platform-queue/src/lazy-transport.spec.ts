import type { Ledger } from './ledger.js';
import { createLazyTransport } from './lazy-transport.js';
import type { ClaimedJob, QueueJob, QueueLogger } from './queue.types.js';
import type { Transport } from './transport.types.js';
import { NO_WAKEUPS } from './wakeups.js';

const ledger = {} as Ledger;
const job = { run_id: 'r1', attempts: 0 } as QueueJob;

function recordingLogger(): QueueLogger & { warnings: string[] } {
  const warnings: string[] = [];
  const ignore = () => undefined;
  return { warnings, debug: ignore, info: ignore, error: ignore, warn: (_obj, msg) => void warnings.push(msg ?? '') };
}

function fakeTransport(calls: string[]): Transport {
  return {
    name: 'bullmq',
    wakeups: NO_WAKEUPS,
    publishedOnInsert: false,
    jobQueued: async (_ledger, queued) => void calls.push(`queued ${queued.run_id}`),
    jobCancelled: async (_ledger, cancelled) => void calls.push(`cancelled ${cancelled.run_id}`),
    claim: async (_ledger, workerId) => {
      calls.push(`claim ${workerId}`);
      return null;
    },
    completeAndClaim: async (_ledger, done, _outcome, { workerId }) => {
      calls.push(`complete ${done.run_id} and claim ${workerId}`);
      return { job: done, next: null };
    },
    publishPending: async (_ledger, { limit }) => {
      calls.push(`publish ${limit}`);
      return 0;
    },
    close: async () => void calls.push('close'),
  };
}

describe('createLazyTransport', () => {
  it('loads nothing until first used, then loads once for concurrent callers', async () => {
    const calls: string[] = [];
    let loads = 0;
    const transport = createLazyTransport(
      'bullmq',
      async () => {
        loads += 1;
        return fakeTransport(calls);
      },
      recordingLogger(),
    );
    expect(transport.name).toBe('bullmq');
    expect(loads).toBe(0);
    await Promise.all([
      transport.claim(ledger, 'w1', 30, ['default']),
      transport.jobQueued(ledger, job),
      transport.publishPending(ledger, { reconcile: false, limit: 5 }),
      transport.jobCancelled(ledger, job),
      transport.completeAndClaim(
        ledger,
        job as ClaimedJob,
        {},
        { workerId: 'w2', leaseSeconds: 30, queues: ['default'] },
      ),
    ]);
    expect(loads).toBe(1);
    expect(calls.sort()).toEqual(['cancelled r1', 'claim w1', 'complete r1 and claim w2', 'publish 5', 'queued r1']);
    await transport.close();
    expect(calls).toContain('close');
  });

  it('closes without loading when never used', async () => {
    let loads = 0;
    const transport = createLazyTransport(
      'bullmq',
      async () => {
        loads += 1;
        return fakeTransport([]);
      },
      recordingLogger(),
    );
    await transport.close();
    expect(loads).toBe(0);
  });

  it('never throws from notifications when loading fails, rejects claims, and retries the load', async () => {
    const calls: string[] = [];
    const logger = recordingLogger();
    let loads = 0;
    const transport = createLazyTransport(
      'bullmq',
      async () => {
        loads += 1;
        if (loads === 1) throw new Error('cannot load bullmq');
        return fakeTransport(calls);
      },
      logger,
    );
    await expect(transport.jobQueued(ledger, job)).resolves.toBeUndefined();
    expect(logger.warnings).toEqual(['bullmq transport could not be loaded (job queued): cannot load bullmq']);
    await expect(transport.claim(ledger, 'w1', 30, ['default'])).resolves.toBeNull();
    expect(loads).toBe(2);
    expect(calls).toEqual(['claim w1']);
  });

  it('rejects a claim with the load error', async () => {
    const transport = createLazyTransport(
      'bullmq',
      async () => Promise.reject(new Error('no redis library')),
      recordingLogger(),
    );
    await expect(transport.claim(ledger, 'w1', 30, ['default'])).rejects.toThrow('no redis library');
    await expect(transport.close()).resolves.toBeUndefined();
  });
});
