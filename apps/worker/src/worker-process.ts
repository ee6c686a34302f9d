import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkerRunner } from '@tasksgodzilla/platform-queue';
import type { Runtime } from '@tasksgodzilla/runtime';

export interface WorkerProcessOptions {
  host: string;
  /** Health/metrics port (0: a free one). */
  port: number;
  concurrency?: number;
  workerId?: string;
  /** How long a graceful stop waits for running jobs before releasing them (default 30 s). */
  shutdownTimeoutMs?: number;
  /** Poll tuning, for tests. */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
}

export interface WorkerProcess {
  runner: WorkerRunner;
  server: Server;
  /** `http://host:port` of the health/metrics server. */
  url: string;
  /** Stops claiming, lets running jobs finish (or releases them at the timeout), closes the server and the runtime. */
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

/**
 * GET /health: the runtime's db and queue report plus this worker's state, 200 when ok and the
 * runner is claiming, else 503. GET /metrics: the Prometheus exposition (jobs, tokens, QA verdicts).
 */
export function createWorkerHttpHandler(
  runtime: Runtime,
  runner: WorkerRunner,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const handle = async () => {
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return send(response, 405, 'application/json', JSON.stringify({ detail: 'Method Not Allowed' }));
      if (path === '/health') {
        const report = await runtime.health();
        const ok = report.status === 'ok' && runner.started;
        const body = {
          ...report,
          status: ok ? 'ok' : 'degraded',
          worker: { id: runner.workerId, started: runner.started, active_jobs: runner.activeJobs },
        };
        return send(response, ok ? 200 : 503, 'application/json', JSON.stringify(body));
      }
      if (path === '/metrics') {
        try {
          runtime.metrics.setQueueStats(await runtime.queue.stats());
        } catch (error) {
          runtime.logger.warn({ err: error }, 'queue stats for /metrics failed');
        }
        return send(response, 200, runtime.metrics.contentType, await runtime.metrics.text());
      }
      return send(response, 404, 'application/json', JSON.stringify({ detail: 'Not Found' }));
    };
    handle().catch((error: unknown) => {
      runtime.logger.error({ err: error, path }, 'worker http request failed');
      if (!response.headersSent)
        send(response, 500, 'application/json', JSON.stringify({ detail: 'Internal Server Error' }));
    });
  };
}

/** Starts the runtime (migrations, relay), a worker runner over the orchestrator's handlers, and the health/metrics server. */
export async function startWorkerProcess(runtime: Runtime, options: WorkerProcessOptions): Promise<WorkerProcess> {
  await runtime.start();
  const runner = runtime.createWorker({
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.workerId !== undefined ? { workerId: options.workerId } : {}),
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.maxPollIntervalMs !== undefined ? { maxPollIntervalMs: options.maxPollIntervalMs } : {}),
  });
  const server = createServer(createWorkerHttpHandler(runtime, runner));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  runner.start();
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  let closing: Promise<void> | null = null;
  return {
    runner,
    server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close() {
      closing ??= (async () => {
        await runner.stop({ graceful: true, timeoutMs: options.shutdownTimeoutMs ?? 30_000 });
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await runtime.close();
      })();
      return closing;
    },
  };
}
