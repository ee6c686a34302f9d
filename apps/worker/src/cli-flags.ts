import { parseArgs } from 'node:util';
import { ConfigError, type Config } from '@tasksgodzilla/core';
import { integerFlag, logLevelFlag } from '@tasksgodzilla/runtime';

export interface WorkerFlags {
  help: boolean;
  /** Config values given as flags; they win over the environment. */
  overrides: Partial<Config>;
  /** Address of the health/metrics server (default 127.0.0.1). */
  host: string;
  /** How long a graceful stop waits for running jobs before releasing them. */
  shutdownTimeoutSeconds: number;
  workerId: string | undefined;
}

export const WORKER_USAGE = `Usage: node apps/worker/dist/main.js [options]

Options (each overrides its environment variable):
  --concurrency <n>            jobs run at once (TASKSGODZILLA_WORKER_CONCURRENCY, default 2)
  --port <port>                health/metrics port, 0 picks a free one (TASKSGODZILLA_WORKER_PORT, default 8020)
  --host <address>             health/metrics address (default 127.0.0.1)
  --shutdown-timeout <seconds> on SIGTERM/SIGINT, wait this long for running jobs, then release them (default 30)
  --worker-id <id>             id written on the jobs it claims (default <host>:<pid>:<random>)
  --db-path <file>             SQLite database file (TASKSGODZILLA_DB_PATH)
  --log-level <level>          trace|debug|info|warn|error|fatal|silent (TASKSGODZILLA_LOG_LEVEL)
  -h, --help                   show this help
`;

/** Parses the worker's command line; unknown flags and bad values are a ConfigError (exit 2). */
export function parseWorkerFlags(argv: readonly string[]): WorkerFlags {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        concurrency: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'shutdown-timeout': { type: 'string' },
        'worker-id': { type: 'string' },
        'db-path': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${WORKER_USAGE}`);
  }
  const values = parsed.values;
  const overrides: Partial<Config> = {};
  const concurrency = integerFlag('concurrency', values.concurrency, 1, 1000);
  if (concurrency !== undefined) overrides.workerConcurrency = concurrency;
  const port = integerFlag('port', values.port, 0, 65535);
  if (port !== undefined) overrides.workerPort = port;
  if (values['db-path'] !== undefined) overrides.dbPath = values['db-path'];
  const logLevel = logLevelFlag(values['log-level']);
  if (logLevel !== undefined) overrides.logLevel = logLevel;
  if (values['worker-id'] !== undefined && values['worker-id'].trim() === '')
    throw new ConfigError('--worker-id must not be empty');
  return {
    help: values.help ?? false,
    overrides,
    host: values.host ?? '127.0.0.1',
    shutdownTimeoutSeconds: integerFlag('shutdown-timeout', values['shutdown-timeout'], 0, 86_400) ?? 30,
    workerId: values['worker-id'],
  };
}
