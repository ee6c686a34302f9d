import { randomBytes } from 'node:crypto';
import { loadLocalConfig, type EnvSource } from '@tasksgodzilla/core';
import type { LocalServer, LocalStartOptions } from './cli.types.js';

/** How long closing waits for a running job (a step) before releasing it. */
const LOCAL_SHUTDOWN_MS = 60_000;

/**
 * The local mode: the runtime (SQLite under the data folder), the api on 127.0.0.1 with a free port
 * and a random bearer token, and an inline worker, all in this process. Loaded on demand by main.ts,
 * so commands that talk to a remote api never load the server code.
 */
export async function startLocalMode(env: EnvSource, options: LocalStartOptions): Promise<LocalServer> {
  const token = randomBytes(24).toString('base64url');
  const config = loadLocalConfig(env, {
    apiToken: token,
    logLevel: options.verbose ? 'info' : 'error',
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  const [{ createRuntime, runQaGate }, { startApiServer }] = await Promise.all([
    import('@tasksgodzilla/runtime'),
    import('@tasksgodzilla/api'),
  ]);
  const runtime = createRuntime(config);
  let server;
  try {
    server = await startApiServer(runtime, {
      host: config.apiHost,
      port: config.apiPort,
      inlineWorker: true,
      workerConcurrency: config.workerConcurrency,
      shutdownTimeoutMs: LOCAL_SHUTDOWN_MS,
    });
  } catch (error) {
    await runtime.close().catch(() => undefined);
    throw error;
  }
  const running = server;
  return {
    url: running.url,
    token,
    dataDir: config.dataDir,
    qaGate: (input) => runQaGate(runtime, input),
    close: () => running.close(),
  };
}
