import { ConfigError } from '@tasksgodzilla/core';
import { API_USAGE, parseApiFlags } from './cli-flags.js';

describe('parseApiFlags', () => {
  it('turns flags into config overrides', () => {
    expect(
      parseApiFlags([
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--inline-worker',
        '--concurrency',
        '4',
        '--db-path',
        '/tmp/x.sqlite',
        '--log-level',
        'debug',
        '--console-dir',
        '/srv/console',
      ]),
    ).toEqual({
      help: false,
      consoleDir: '/srv/console',
      overrides: {
        apiHost: '0.0.0.0',
        apiPort: 0,
        inlineWorker: true,
        workerConcurrency: 4,
        dbPath: '/tmp/x.sqlite',
        logLevel: 'debug',
      },
    });
    expect(parseApiFlags(['--no-inline-worker']).overrides).toEqual({ inlineWorker: false });
    expect(parseApiFlags([])).toEqual({ help: false, consoleDir: undefined, overrides: {} });
    expect(parseApiFlags(['-h']).help).toBe(true);
  });

  it('rejects unknown flags and bad values with a ConfigError', () => {
    expect(() => parseApiFlags(['--prot', '1'])).toThrow(ConfigError);
    expect(() => parseApiFlags(['--port', '99999'])).toThrow('--port must be a whole number from 0 to 65535');
    expect(() => parseApiFlags(['--port', 'abc'])).toThrow(ConfigError);
    expect(() => parseApiFlags(['--concurrency', '0'])).toThrow(ConfigError);
    expect(() => parseApiFlags(['--log-level', 'loud'])).toThrow(ConfigError);
    expect(() => parseApiFlags(['stray'])).toThrow(ConfigError);
  });

  it('documents each flag with its environment variable from the config schema', () => {
    for (const line of [
      /--host <address> .*\(TASKSGODZILLA_API_HOST, default 127\.0\.0\.1\)/,
      /--port <port> .*\(TASKSGODZILLA_API_PORT, default 8010\)/,
      /--inline-worker .*\(TASKSGODZILLA_INLINE_RQ_WORKER, default false\)/,
      /--no-inline-worker /,
      /--concurrency <n> .*\(TASKSGODZILLA_WORKER_CONCURRENCY, default 2\)/,
      /--db-path <file> .*\(TASKSGODZILLA_DB_PATH/,
      /--log-level <level> .*\(TASKSGODZILLA_LOG_LEVEL, default info\)/,
      /--console-dir <dir> /,
      /-h, --help /,
    ])
      expect(API_USAGE).toMatch(line);
  });
});
