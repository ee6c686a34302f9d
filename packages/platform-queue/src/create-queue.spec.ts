import { ConfigError, loadConfig } from '@tasksgodzilla/core';
import { migrateToLatest, openDatabase } from '@tasksgodzilla/platform-storage';
import { createQueue, queueOptionsFromConfig } from './create-queue.js';
import { testJobTypes } from '../test/fixtures/test-job-types.js';

const jobTypes = testJobTypes();

describe('createQueue', () => {
  it('needs a Redis URL for bullmq and rejects unknown backends', async () => {
    const handle = openDatabase({ path: ':memory:' });
    try {
      expect(() =>
        createQueue({ backend: 'bullmq', db: handle.db, dialect: handle.dialect, jobTypes, redisUrl: '' }),
      ).toThrow(ConfigError);
      expect(() => createQueue({ backend: 'rq' as never, db: handle.db, dialect: handle.dialect, jobTypes })).toThrow(
        'Unknown queue backend "rq"',
      );
    } finally {
      await handle.close();
    }
  });

  it('opens an embedded queue with the given defaults and refuses work once closed', async () => {
    const handle = openDatabase({ path: ':memory:' });
    try {
      await migrateToLatest(handle);
      const queue = createQueue({
        backend: 'embedded',
        db: handle.db,
        dialect: handle.dialect,
        jobTypes,
        defaults: { maxAttempts: 5, timeoutSeconds: 60 },
      });
      expect(queue.backend).toBe('embedded');
      expect(queue.defaults).toEqual({ maxAttempts: 5, timeoutSeconds: 60, leaseSeconds: 30 });
      const job = await queue.enqueue({ job_type: 'other_job', payload: { protocol_run_id: 4 } });
      expect(job).toMatchObject({ max_attempts: 5, timeout_seconds: 60, protocol_run_id: 4 });
      expect((await queue.stats()).backend).toBe('embedded');
      await queue.close();
      await expect(queue.enqueue({ job_type: 'other_job', payload: { protocol_run_id: 4 } })).rejects.toThrow(
        'The queue is closed',
      );
    } finally {
      await handle.close();
    }
  });
});

describe('flattenQueueStats', () => {
  it('lays stats out as the original /queues response', async () => {
    const { flattenQueueStats } = await import('./queue-stats.js');
    const counts = { queued: 1, delayed: 0, retrying: 0, running: 0, succeeded: 2, failed: 0, cancelled: 0 };
    expect(flattenQueueStats({ backend: 'embedded', queues: { default: counts } })).toEqual({
      backend: 'embedded',
      default: counts,
    });
  });
});

describe('queueOptionsFromConfig', () => {
  const database = { db: {} as never, dialect: 'sqlite' as const };

  it('maps the configuration defaults onto the embedded backend', () => {
    const options = queueOptionsFromConfig(loadConfig({}), database, { jobTypes });
    expect(options).toMatchObject({
      backend: 'embedded',
      dialect: 'sqlite',
      defaults: { maxAttempts: 3, timeoutSeconds: 3600, leaseSeconds: 30 },
    });
  });

  it('selects bullmq with the Redis URL and prefix, and needs the URL', () => {
    const env = {
      TASKSGODZILLA_QUEUE_BACKEND: 'bullmq',
      TASKSGODZILLA_REDIS_URL: 'redis://127.0.0.1:6379/2',
      TASKSGODZILLA_QUEUE_PREFIX: 'tgz-a',
      TASKSGODZILLA_LEASE_SECONDS: '10',
    };
    expect(queueOptionsFromConfig(loadConfig(env), database, { jobTypes })).toMatchObject({
      backend: 'bullmq',
      redisUrl: 'redis://127.0.0.1:6379/2',
      prefix: 'tgz-a',
      defaults: { leaseSeconds: 10 },
    });
    expect(() =>
      queueOptionsFromConfig(loadConfig({ TASKSGODZILLA_QUEUE_BACKEND: 'bullmq' }), database, { jobTypes }),
    ).toThrow(ConfigError);
  });
});
