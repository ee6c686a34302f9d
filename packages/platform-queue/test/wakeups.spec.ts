import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createWorkerRunner, type JobQueue, type QueueJob, type WorkerRunner } from '../src/index.js';
import { LISTENER_APPLICATION_NAME, wakeupDirectory } from '../src/wakeups.js';
import { bundleFixture } from './bundle-fixture.js';
import { availableBackends, useHarness, waitFor } from './harness.js';

// Every worker here polls once a minute at most: a job it runs within waitFor's 15 s was woken for.
const MINUTE = 60_000;
const slowPolls = { pollIntervalMs: MINUTE, maxPollIntervalMs: MINUTE, wakeupPollIntervalMs: MINUTE };

const backends = await availableBackends();

const succeeded = (queue: JobQueue, job: QueueJob, what: string) =>
  waitFor(async () => {
    const current = await queue.get(job.run_id);
    return current.status === 'succeeded' ? current : null;
  }, what);

const sockets = (dir: string) => {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.sock'));
  } catch {
    return [];
  }
};

describe('wake-ups between processes on SQLite', () => {
  let bundle: Awaited<ReturnType<typeof bundleFixture>>;
  let child: ChildProcess | undefined;
  const runners: WorkerRunner[] = [];
  const h = useHarness('sqlite', async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.stop()));
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  beforeAll(async () => {
    bundle = await bundleFixture('wake-worker');
  });
  afterAll(() => bundle.remove());

  it('a worker in another process runs jobs enqueued here long before its next poll', async () => {
    const queue = h.createQueue();
    const dir = wakeupDirectory(h.handle.location);
    const proc = spawn(process.execPath, [bundle.path, h.handle.location], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(() => {
      if (proc.exitCode !== null) throw new Error(`the child worker exited early: ${stderr}`);
      return sockets(dir).length === 1;
    }, 'the child worker to listen for wake-ups');

    // One after the other: each job is enqueued while the child waits for its minute-long poll.
    for (let i = 1; i <= 3; i++) {
      const job = await queue.enqueue({ job_type: 'alpha_job', payload: { protocol_run_id: i } });
      const done = await succeeded(queue, job, `job ${i} to run in the child`);
      expect(done.result).toEqual({ pid: proc.pid });
    }
  });

  it('an enqueue removes the socket of a worker that is gone', async () => {
    const queue = h.createQueue();
    const dir = wakeupDirectory(h.handle.location);
    const runner = createWorkerRunner({ queue, handlers: { alpha_job: async () => undefined }, ...slowPolls });
    runners.push(runner);
    runner.start();
    await waitFor(() => sockets(dir).length === 1, 'the worker to listen');
    const stale = join(dir, `999999-dead-beef.sock`);
    writeFileSync(stale, '');
    // Another queue object on the file: it announces to every socket but its own.
    const producer = h.createQueue();
    const job = await producer.enqueue({ job_type: 'alpha_job', payload: { protocol_run_id: 1 } });
    await waitFor(() => !existsSync(stale), 'the stale socket to be removed');
    await succeeded(queue, job, 'the job to run');
  });

  it('a worker waiting on wake-ups still runs delayed jobs and retries when they fall due', async () => {
    const queue = h.createQueue({ backoff: () => 200 });
    const attempts: number[] = [];
    const runner = createWorkerRunner({
      queue,
      handlers: {
        alpha_job: async (job) => {
          attempts.push(job.attempts);
          if (job.attempts === 1) throw new Error('first attempt fails (retryable)');
          return undefined;
        },
      },
      ...slowPolls,
    });
    runners.push(runner);
    runner.start();
    await waitFor(() => sockets(wakeupDirectory(h.handle.location)).length === 1, 'the worker to listen');
    const job = await queue.enqueue({ job_type: 'alpha_job', payload: { protocol_run_id: 1 }, delay_ms: 300 });
    const done = await succeeded(queue, job, 'the delayed job and its retry to run');
    expect(done.attempts).toBe(2);
    expect(attempts).toEqual([1, 2]);
    expect(Date.parse(done.started_at!)).toBeGreaterThanOrEqual(Date.parse(job.run_at));
  });
});

describe.each(backends.filter((name) => name === 'postgres'))('wake-ups through LISTEN/NOTIFY on %s', (name) => {
  const runners: WorkerRunner[] = [];
  const h = useHarness(name, () => Promise.all(runners.splice(0).map((runner) => runner.stop())));

  /** Backend pids of this database's queue listeners that have run LISTEN. */
  const listeners = async () => {
    const { rows } = await sql<{ pid: number }>`
      select pid from pg_stat_activity
      where application_name = ${LISTENER_APPLICATION_NAME} and datname = current_database()
        and query ilike 'listen%'`.execute(h.handle.db);
    return rows.map((row) => row.pid);
  };

  /** A worker on its own pool, as in another process: only NOTIFY (or its polls) can wake it. */
  const startWorker = (wakeups: { postgresUrl: string }, polls: Record<string, number> = slowPolls) => {
    const queue = h.createQueue({ handle: h.openHandle(), wakeups });
    const runner = createWorkerRunner({ queue, handlers: { alpha_job: async () => undefined }, ...polls });
    runners.push(runner);
    runner.start();
    return queue;
  };

  it('a worker on another connection runs a job as soon as its enqueue commits', async () => {
    startWorker({ postgresUrl: h.databaseUrl! });
    await waitFor(async () => (await listeners()).length === 1, 'the worker to LISTEN');
    const producer = h.createQueue();
    for (let i = 1; i <= 2; i++) {
      const job = await h.storage.transaction((tx) =>
        producer.enqueue({ job_type: 'alpha_job', payload: { protocol_run_id: i } }, { tx }),
      );
      await succeeded(producer, job, `job ${i} to run`);
    }
  });

  it('a lost listening connection is reopened and wake-ups resume', async () => {
    startWorker({ postgresUrl: h.databaseUrl! });
    const [first] = await waitFor(async () => {
      const pids = await listeners();
      return pids.length === 1 ? pids : null;
    }, 'the worker to LISTEN');
    await sql`select pg_terminate_backend(${first})`.execute(h.handle.db);
    await waitFor(async () => {
      const pids = await listeners();
      return pids.length === 1 && pids[0] !== first;
    }, 'the worker to LISTEN again');
    const producer = h.createQueue();
    const job = await producer.enqueue({ job_type: 'alpha_job', payload: { protocol_run_id: 1 } });
    await succeeded(producer, job, 'the job to run after the reconnect');
  });

  it('a worker whose listener cannot connect polls instead of waiting for wake-ups', async () => {
    // Nothing listens on port 9: the listener never comes up, so the worker must poll quickly.
    startWorker(
      { postgresUrl: 'postgres://postgres@127.0.0.1:9/nowhere' },
      { pollIntervalMs: 50, maxPollIntervalMs: 200, wakeupPollIntervalMs: MINUTE },
    );
    const producer = h.createQueue();
    const job = await producer.enqueue({ job_type: 'alpha_job', payload: { protocol_run_id: 1 } });
    await succeeded(producer, job, 'the job to run by polling');
    expect(await listeners()).toEqual([]);
  });
});
