import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@tasksgodzilla/core';
import { createMetrics } from '@tasksgodzilla/platform-telemetry';
import { closeOnSignals, createRuntime, runMain } from '@tasksgodzilla/runtime';
import { API_USAGE, parseApiFlags } from './cli-flags.js';
import { startApiServer } from './server.js';

// `tgz-api` (`node apps/api/dist/main.js`): configuration from the environment and flags, the runtime, the
// api (and its inline worker and spec-audit cron), and a graceful stop on SIGINT/SIGTERM.

/** The web console built by apps/console, copied into this app's dist at build time (tsup.config.ts). */
const BUILT_CONSOLE_DIR = fileURLToPath(new URL('./console/', import.meta.url));

/** `--console-dir`, else the built console when it exists, else buildApi's default (the placeholder page). */
function consoleDir(flag: string | undefined): string | undefined {
  if (flag) return flag;
  return existsSync(`${BUILT_CONSOLE_DIR}index.html`) ? BUILT_CONSOLE_DIR : undefined;
}

async function main(argv: string[]): Promise<void> {
  const flags = parseApiFlags(argv);
  if (flags.help) {
    process.stdout.write(API_USAGE);
    return;
  }
  const config = loadConfig(process.env, flags.overrides);
  const consoleFolder = consoleDir(flags.consoleDir);
  const runtime = createRuntime(config, { metrics: createMetrics({ collectDefault: true }) });
  const logger = runtime.logger.child({ component: 'api' });
  let server;
  try {
    server = await startApiServer(runtime, {
      host: config.apiHost,
      port: config.apiPort,
      inlineWorker: config.inlineWorker,
      workerConcurrency: config.workerConcurrency,
      specAuditIntervalSeconds: config.specAuditIntervalSeconds,
      ...(consoleFolder ? { consoleDir: consoleFolder } : {}),
    });
  } catch (error) {
    await runtime.close().catch(() => undefined);
    throw error;
  }
  logger.info(
    {
      url: server.url,
      env: config.env,
      db: runtime.db.dialect,
      queue: runtime.queue.backend,
      inline_worker: config.inlineWorker,
      auth: Boolean(config.apiToken),
    },
    'Starting API',
  );
  const running = server;
  closeOnSignals('API', logger, () => running.close());
}

runMain('api', () => main(process.argv.slice(2)));
