// A worker process for the latency rows: the embedded queue on the given SQLite file and a worker
// runner with the product's default polling, running no-op jobs. Prints "ready" once claiming.
import { openDatabase } from '@tasksgodzilla/platform-storage';
import { createQueue, createWorkerRunner } from '@tasksgodzilla/platform-queue';
import { NOOP, benchJobTypes } from '../lib/bench-queue.mjs';

const handle = openDatabase({ path: process.argv[2] });
const queue = createQueue({ backend: 'embedded', db: handle.db, dialect: handle.dialect, jobTypes: benchJobTypes() });
const runner = createWorkerRunner({ queue, concurrency: 1, handlers: { [NOOP]: async () => undefined } });
runner.start();
process.stdout.write('ready\n');
process.once('SIGTERM', async () => {
  await runner.stop();
  await queue.close();
  await handle.close();
  process.exit(0);
});
