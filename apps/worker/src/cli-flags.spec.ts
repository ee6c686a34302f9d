import { ConfigError } from '@tasksgodzilla/core';
import { WORKER_USAGE, parseWorkerFlags } from './cli-flags.js';

describe('parseWorkerFlags', () => {
  it('turns flags into config overrides and worker options', () => {
    expect(
      parseWorkerFlags([
        '--concurrency',
        '3',
        '--port',
        '0',
        '--host',
        '0.0.0.0',
        '--shutdown-timeout',
        '5',
        '--worker-id',
        'w1',
        '--log-level',
        'warn',
      ]),
    ).toEqual({
      help: false,
      overrides: { workerConcurrency: 3, workerPort: 0, logLevel: 'warn' },
      host: '0.0.0.0',
      shutdownTimeoutSeconds: 5,
      workerId: 'w1',
    });
    expect(parseWorkerFlags([])).toEqual({
      help: false,
      overrides: {},
      host: '127.0.0.1',
      shutdownTimeoutSeconds: 30,
      workerId: undefined,
    });
    expect(parseWorkerFlags(['--help']).help).toBe(true);
  });

  it('rejects unknown flags and bad values with a ConfigError', () => {
    expect(() => parseWorkerFlags(['--concurency', '2'])).toThrow(ConfigError);
    expect(() => parseWorkerFlags(['--concurrency', '0'])).toThrow(
      '--concurrency must be a whole number from 1 to 1000',
    );
    expect(() => parseWorkerFlags(['--port', '-1'])).toThrow(ConfigError);
    expect(() => parseWorkerFlags(['--worker-id', ' '])).toThrow(ConfigError);
  });

  it('documents each flag, with the environment variable of the config ones', () => {
    for (const line of [
      /--concurrency <n> .*\(TASKSGODZILLA_WORKER_CONCURRENCY, default 2\)/,
      /--port <port> .*\(TASKSGODZILLA_WORKER_PORT, default 8020\)/,
      /--db-path <file> .*\(TASKSGODZILLA_DB_PATH/,
      /--log-level <level> .*\(TASKSGODZILLA_LOG_LEVEL, default info\)/,
      /--host <address> .*\(default 127\.0\.0\.1\)/,
      /--shutdown-timeout <seconds> .*\(default 30\)/,
      /--worker-id <id> /,
      /-h, --help /,
    ])
      expect(WORKER_USAGE).toMatch(line);
    expect(WORKER_USAGE).not.toContain('TASKSGODZILLA_API_PORT');
  });
});
