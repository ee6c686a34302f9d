import { parseArgs } from 'node:util';
import { ConfigError, type Config } from '@tasksgodzilla/core';
import { integerFlag, logLevelFlag } from '@tasksgodzilla/runtime';

export interface ApiFlags {
  help: boolean;
  /** Config values given as flags; they win over the environment. */
  overrides: Partial<Config>;
  consoleDir: string | undefined;
}

export const API_USAGE = `Usage: node apps/api/dist/main.js [options]

Options (each overrides its environment variable):
  --host <address>       listen address (TASKSGODZILLA_API_HOST, default 127.0.0.1)
  --port <port>          listen port, 0 picks a free one (TASKSGODZILLA_API_PORT, default 8010)
  --inline-worker        run a worker in this process (TASKSGODZILLA_INLINE_RQ_WORKER)
  --no-inline-worker     do not, even if the environment says so
  --concurrency <n>      jobs the inline worker runs at once (TASKSGODZILLA_WORKER_CONCURRENCY)
  --db-path <file>       SQLite database file (TASKSGODZILLA_DB_PATH)
  --log-level <level>    trace|debug|info|warn|error|fatal|silent (TASKSGODZILLA_LOG_LEVEL)
  --console-dir <dir>    folder served at / and /console (default: apps/console/dist when built, else the app's public/)
  -h, --help             show this help
`;

/** Parses the api's command line; unknown flags and bad values are a ConfigError (exit 2). */
export function parseApiFlags(argv: readonly string[]): ApiFlags {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'inline-worker': { type: 'boolean' },
        'no-inline-worker': { type: 'boolean' },
        concurrency: { type: 'string' },
        'db-path': { type: 'string' },
        'log-level': { type: 'string' },
        'console-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${API_USAGE}`);
  }
  const values = parsed.values;
  const overrides: Partial<Config> = {};
  if (values.host !== undefined) overrides.apiHost = values.host;
  const port = integerFlag('port', values.port, 0, 65535);
  if (port !== undefined) overrides.apiPort = port;
  if (values['inline-worker']) overrides.inlineWorker = true;
  if (values['no-inline-worker']) overrides.inlineWorker = false;
  const concurrency = integerFlag('concurrency', values.concurrency, 1, 1000);
  if (concurrency !== undefined) overrides.workerConcurrency = concurrency;
  if (values['db-path'] !== undefined) overrides.dbPath = values['db-path'];
  const logLevel = logLevelFlag(values['log-level']);
  if (logLevel !== undefined) overrides.logLevel = logLevel;
  return { help: values.help ?? false, overrides, consoleDir: values['console-dir'] };
}
