import type { WorkerRunner } from '@tasksgodzilla/platform-queue';
import type { Runtime } from '@tasksgodzilla/runtime';
import { buildApi } from './api.js';
import type { Api, ApiOptions } from './api.types.js';
import { startSpecAuditSchedule } from './spec-audit-schedule.js';

export interface ApiServerOptions extends ApiOptions {
  host: string;
  port: number;
  /** Run a worker in this process (embedded single-process mode). */
  inlineWorker: boolean;
  workerConcurrency?: number;
  /** Enables the spec-audit cron. */
  specAuditIntervalSeconds?: number;
  /** How long a graceful stop waits for running jobs before releasing them (default 30 s). */
  shutdownTimeoutMs?: number;
}

export interface ApiServer {
  app: Api;
  /** `http://host:port` actually bound (port 0 resolved). */
  url: string;
  worker: WorkerRunner | null;
  /** Stops accepting requests and ends event streams, stops the inline worker gracefully, closes the runtime. */
  close(): Promise<void>;
}

/** Starts the runtime (migrations), the api, the inline worker and the spec-audit cron, then listens. */
export async function startApiServer(runtime: Runtime, options: ApiServerOptions): Promise<ApiServer> {
  await runtime.start();
  const app = await buildApi(runtime, options);
  const worker = options.inlineWorker
    ? runtime.createWorker({ ...(options.workerConcurrency ? { concurrency: options.workerConcurrency } : {}) })
    : null;
  worker?.start();
  const stopAudit = options.specAuditIntervalSeconds
    ? startSpecAuditSchedule(runtime, options.specAuditIntervalSeconds)
    : null;
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    stopAudit?.();
    await worker?.stop({ graceful: false });
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | null = null;
  return {
    app,
    url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`,
    worker,
    close() {
      closing ??= (async () => {
        stopAudit?.();
        await app.close();
        if (worker) await worker.stop({ graceful: true, timeoutMs: options.shutdownTimeoutMs ?? 30_000 });
        await runtime.close();
      })();
      return closing;
    },
  };
}
