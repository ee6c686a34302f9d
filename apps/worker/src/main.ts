import { loadConfig } from '@tasksgodzilla/core';
import { createMetrics } from '@tasksgodzilla/platform-telemetry';
import { closeOnSignals, createRuntime, runMain } from '@tasksgodzilla/runtime';
import { parseWorkerFlags, WORKER_USAGE } from './cli-flags.js';
import { startWorkerProcess } from './worker-process.js';

// `node apps/worker/dist/bin.cjs`: configuration from the environment and flags, the runtime, a
// worker runner claiming jobs, a health/metrics port, and a graceful stop on SIGINT/SIGTERM.

async function main(argv: string[]): Promise<void> {
  const flags = parseWorkerFlags(argv);
  if (flags.help) {
    process.stdout.write(WORKER_USAGE);
    return;
  }
  const config = loadConfig(process.env, flags.overrides);
  const runtime = createRuntime(config, { metrics: createMetrics({ collectDefault: true }) });
  const logger = runtime.logger.child({ component: 'worker-main' });
  let worker;
  try {
    worker = await startWorkerProcess(runtime, {
      host: flags.host,
      port: config.workerPort,
      concurrency: config.workerConcurrency,
      shutdownTimeoutMs: flags.shutdownTimeoutSeconds * 1000,
      ...(flags.workerId ? { workerId: flags.workerId } : {}),
    });
  } catch (error) {
    await runtime.close().catch(() => undefined);
    throw error;
  }
  logger.info(
    {
      url: worker.url,
      worker_id: worker.runner.workerId,
      db: runtime.db.dialect,
      queue: runtime.queue.backend,
      concurrency: config.workerConcurrency,
    },
    'Starting worker',
  );
  const running = worker;
  closeOnSignals('worker', logger, () => running.close());
}

runMain('worker', () => main(process.argv.slice(2)));
