#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, errorMessage, loadConfig } from '@tasksgodzilla/core';
import { createMetrics } from '@tasksgodzilla/platform-telemetry';
import { createRuntime } from '@tasksgodzilla/runtime';
import { API_USAGE, parseApiFlags } from './cli-flags.js';
import { startApiServer } from './server.js';

// `node apps/api/dist/main.js`: configuration from the environment and flags, the runtime, the
// api (and its inline worker and spec-audit cron), and a graceful stop on SIGINT/SIGTERM.

/** The web console built by apps/console (`apps/console/dist`, next to this app's dist). */
const BUILT_CONSOLE_DIR = fileURLToPath(new URL('../../console/dist/', import.meta.url));

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
  logger.info({ url: server.url, env: config.env, db: runtime.db.dialect, queue: runtime.queue.backend, inline_worker: config.inlineWorker, auth: Boolean(config.apiToken) }, 'Starting API');
  const running = server;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Shutting down API');
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, `shutdown failed: ${errorMessage(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`tasksgodzilla api: ${errorMessage(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
