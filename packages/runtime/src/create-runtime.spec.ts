import { join } from 'node:path';
import { loadConfig, type Config } from '@tasksgodzilla/core';
import {
  createTempDir,
  createTestPostgresDatabase,
  postgresAvailable,
  redisAvailable,
  REDIS_URL,
} from '@tasksgodzilla/testing';
import { createRuntime } from './create-runtime.js';
import { HEALTH_QUEUE_STATS_MAX_AGE_MS } from './health.js';

function testConfig(dir: string, overrides: Partial<Config> = {}): Readonly<Config> {
  return loadConfig(
    {},
    {
      dataDir: dir,
      dbPath: join(dir, 'db', 'tgz.sqlite'),
      runsDir: join(dir, 'runs'),
      projectsRoot: join(dir, 'projects'),
      logLevel: 'silent',
      ...overrides,
    },
  );
}

describe('createRuntime', () => {
  it('wires every service once and registers the four engines with the configured default', async () => {
    const dir = createTempDir('tgz-rt-');
    const rt = createRuntime(testConfig(dir.path, { defaultEngine: 'shell' }));
    try {
      expect(rt.engines.ids()).toEqual(['codex', 'claude-code', 'opencode', 'shell']);
      expect(rt.engines.getDefault().id).toBe('shell');
      expect(Object.keys(rt.services).sort()).toEqual([
        'decomposition',
        'execution',
        'onboarding',
        'orchestrator',
        'prompts',
        'quality',
        'reads',
        'spec',
      ]);
      expect(rt.db.dialect).toBe('sqlite');
      expect(rt.queue.backend).toBe('embedded');
      await rt.start();
      await rt.start();
      const health = await rt.health();
      expect(health).toMatchObject({
        status: 'ok',
        db: { ok: true, backend: 'sqlite', location: join(dir.path, 'db', 'tgz.sqlite') },
        queue: { ok: true, backend: 'embedded' },
      });
      expect(health.queue.stats?.queues.default).toMatchObject({ queued: 0 });
      const worker = rt.createWorker();
      expect(await worker.drain()).toBe(0);
    } finally {
      await rt.close();
      await rt.close();
      dir.remove();
    }
  });

  it('reports degraded health instead of throwing when the database is gone', async () => {
    const dir = createTempDir('tgz-rt-');
    const rt = createRuntime(testConfig(dir.path));
    await rt.start();
    await rt.db.close();
    const health = await rt.health();
    expect(health.status).toBe('degraded');
    expect(health.db.ok).toBe(false);
    expect(health.db.error).toBeTruthy();
    dir.remove();
  });

  it('reuses the queue counts of a health check for HEALTH_QUEUE_STATS_MAX_AGE_MS, and pings the database every time', async () => {
    const dir = createTempDir('tgz-rt-');
    let now = Date.parse('2026-01-01T00:00:00.000Z');
    const rt = createRuntime(testConfig(dir.path, { defaultEngine: 'shell' }), { clock: { now: () => new Date(now) } });
    try {
      await rt.start();
      const before = await rt.health();
      expect(before.queue.stats?.queues.default.queued).toBe(0);
      // createProject enqueues the project's setup job
      await rt.services.orchestrator.createProject({ name: 'demo', git_url: join(dir.path, 'origin.git') });
      now += HEALTH_QUEUE_STATS_MAX_AGE_MS - 1;
      expect((await rt.health()).queue.stats?.queues.default.queued).toBe(0);
      now += 1;
      const after = await rt.health();
      expect(after.status).toBe('ok');
      expect(after.queue.stats?.queues.default.queued).toBe(1);
      // Within the window again: the closed database is seen at once.
      await rt.db.close();
      const gone = await rt.health();
      expect(gone.status).toBe('degraded');
      expect(gone.db.ok).toBe(false);
    } finally {
      await rt.close();
      dir.remove();
    }
  });

  it('refuses a default engine that is not registered', () => {
    const dir = createTempDir('tgz-rt-');
    expect(() => createRuntime(testConfig(dir.path, { defaultEngine: 'nope' }))).toThrow(
      /Default engine "nope" is not registered/,
    );
    dir.remove();
  });

  it('opens PostgreSQL at dbUrl, and the BullMQ queue with its relay when configured', async () => {
    if (!(await postgresAvailable()) || !(await redisAvailable())) return;
    const dir = createTempDir('tgz-rt-');
    const database = await createTestPostgresDatabase('tgz_rt');
    const rt = createRuntime(
      testConfig(dir.path, {
        dbUrl: database.url,
        queueBackend: 'bullmq',
        redisUrl: REDIS_URL,
        queuePrefix: `tgz-rt-${process.pid}`,
      }),
    );
    try {
      await rt.start();
      const health = await rt.health();
      expect(health).toMatchObject({
        status: 'ok',
        db: { ok: true, backend: 'postgres' },
        queue: { ok: true, backend: 'bullmq' },
      });
      expect(health.db.location).not.toContain('password');
    } finally {
      await rt.close();
      await database.drop();
      dir.remove();
    }
  });
});
