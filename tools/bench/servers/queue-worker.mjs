// A worker process for the latency rows: the embedded queue on the given SQLite file or PostgreSQL URL
// and a worker runner with the product's default polling, running no-op jobs. Prints "ready" once its
// wake-up channel is up (the deployed shape: enqueues in other processes wake it).
import { openDatabase } from '@tasksgodzilla/platform-storage';
import { createQueue, createWorkerRunner } from '@tasksgodzilla/platform-queue';
import { NOOP, benchJobTypes } from '../lib/bench-queue.mjs';

const target = process.argv[2];
const postgres = /^postgres(ql)?:\/\//.test(target);
const handle = openDatabase(postgres ? { url: target } : { path: target });
const queue = createQueue({
  backend: 'embedded',
  db: handle.db,
  dialect: handle.dialect,
  jobTypes: benchJobTypes(),
  ...(postgres ? { wakeups: { postgresUrl: target } } : {}),
});
const runner = createWorkerRunner({ queue, concurrency: 1, handlers: { [NOOP]: async () => undefined } });
runner.start();
// The runner's own channel opens alongside this probe's.
const probe = queue.watch(() => undefined);
const deadline = Date.now() + 10_000;
while (!probe.live && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
await probe.stop();
process.stdout.write('ready\n');
process.once('SIGTERM', async () => {
  await runner.stop();
  await queue.close();
  await handle.close();
  process.exit(0);
});
