import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REDIS_URL, createTempDir, type TempDir } from '@tasksgodzilla/testing';
import { createWorkerRunner } from '../src/index.js';
import { crashHandlers } from './fixtures/crash-handlers.js';
import type { CrashWorkerConfig } from './fixtures/crash-worker.js';
import { bundleFixture } from './bundle-fixture.js';
import { availableBackends, useHarness, waitFor } from './harness.js';

const backends = await availableBackends();
let bundle: Awaited<ReturnType<typeof bundleFixture>>;

beforeAll(async () => {
  bundle = await bundleFixture('crash-worker');
});

afterAll(() => bundle.remove());

describe.each(backends)('a worker process killed mid-job on %s', (backendName) => {
  let markers: TempDir;
  let child: ChildProcess | undefined;
  const h = useHarness(backendName, () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  beforeEach(() => {
    markers = createTempDir('tgz-crash-');
  });
  afterEach(() => markers.remove());

  it('loses its lease; another worker reclaims the job and its side effect happens exactly once', async () => {
    const leaseSeconds = 1;
    const queue = h.createQueue({ defaults: { leaseSeconds } });
    const job = await queue.enqueue({ job_type: 'alpha_job', payload: { protocol_run_id: 1 } });

    const config: CrashWorkerConfig = {
      backend: backendName === 'bullmq' ? 'bullmq' : 'embedded',
      dbPath: backendName === 'sqlite' ? h.handle.location : undefined,
      dbUrl: h.databaseUrl,
      redisUrl: REDIS_URL,
      prefix: h.prefix,
      markerDir: markers.path,
      leaseSeconds,
    };
    const proc = spawn(process.execPath, [bundle.path, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      proc.once('exit', (_code, signal) => resolve(signal)),
    );

    const started = (attempt: number) =>
      readdirSync(markers.path).filter((f) => f.startsWith(`${job.run_id}.attempt-${attempt}.`));
    await waitFor(() => {
      if (proc.exitCode !== null) throw new Error(`the child worker exited early: ${stderr}`);
      return started(1).length === 1;
    }, 'the child to start the job');
    expect(started(1)[0]).toBe(`${job.run_id}.attempt-1.pid-${proc.pid}.started`);
    expect(await queue.get(job.run_id)).toMatchObject({ status: 'running', attempts: 1 });

    proc.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const survivor = createWorkerRunner({
      queue,
      handlers: crashHandlers(markers.path, { hang: false }),
      workerId: 'survivor',
      leaseSeconds,
      pollIntervalMs: 50,
      maxPollIntervalMs: 200,
    });
    survivor.start();
    try {
      await waitFor(async () => (await queue.get(job.run_id)).status === 'succeeded', 'the survivor to finish the job');
    } finally {
      await survivor.stop();
    }

    const done = await queue.get(job.run_id);
    expect(done).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      result: { attempt: 2 },
      error: null,
      lease_owner: null,
    });
    expect(done.lease_expires_at).toBeNull();
    expect(started(2)).toEqual([`${job.run_id}.attempt-2.pid-${process.pid}.started`]);
    expect(readFileSync(join(markers.path, `${job.run_id}.effect`), 'utf8')).toBe(`attempt 2 pid ${process.pid}\n`);
  });
});
