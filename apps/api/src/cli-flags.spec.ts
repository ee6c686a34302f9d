import { ConfigError } from '@tasksgodzilla/core';
import { parseApiFlags } from './cli-flags.js';

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
});
