import { CONFIG_VARIABLES, ConfigError } from '@tasksgodzilla/core';
import { defineProcessFlags } from './process-flags.js';

const flags = defineProcessFlags({
  command: 'tgz-test',
  settings: ['apiPort', 'inlineWorker', 'logLevel', 'dbPath'],
  options: {
    name: { kind: 'string', flag: 'name', placeholder: 'text', description: 'a name', nonEmpty: true },
    count: { kind: 'int', flag: 'count', placeholder: 'n', description: 'a count', default: 3, min: 1, max: 9 },
  },
});

describe('defineProcessFlags', () => {
  it('turns the flags of config settings into overrides and keeps the process options apart', () => {
    expect(flags.parse(['--port', '0', '--inline-worker', '--log-level', 'warn', '--db-path', 'x.db'])).toEqual({
      help: false,
      overrides: { apiPort: 0, inlineWorker: true, logLevel: 'warn', dbPath: 'x.db' },
      name: undefined,
      count: 3,
    });
    expect(flags.parse(['--name=n1', '--count', '9', '-h'])).toEqual({
      help: true,
      overrides: {},
      name: 'n1',
      count: 9,
    });
  });

  it('gives a boolean setting a --no- flag that wins', () => {
    expect(flags.parse(['--no-inline-worker']).overrides).toEqual({ inlineWorker: false });
    expect(flags.parse(['--inline-worker', '--no-inline-worker']).overrides).toEqual({ inlineWorker: false });
  });

  it('takes bounds and values from the config schema', () => {
    expect(() => flags.parse(['--port', '65536'])).toThrow(
      '--port must be a whole number from 0 to 65535 (got "65536")',
    );
    expect(() => flags.parse(['--log-level', 'loud'])).toThrow(
      '--log-level must be one of trace, debug, info, warn, error, fatal, silent',
    );
    expect(() => flags.parse(['--count', '0'])).toThrow('--count must be a whole number from 1 to 9');
    expect(() => flags.parse(['--name', '  '])).toThrow('--name must not be empty');
  });

  it('rejects unknown flags and positionals with the usage text', () => {
    for (const argv of [['--prot', '1'], ['stray']]) {
      let caught: unknown;
      try {
        flags.parse(argv);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as Error).message).toContain('Usage: tgz-test [options]');
    }
  });

  it('writes the usage from the schema: flag, placeholder, description, variable and default', () => {
    const port = CONFIG_VARIABLES.find((v) => v.key === 'apiPort')!;
    expect(flags.usage).toMatch(/^Usage: tgz-test \[options\]\n/);
    expect(flags.usage).toMatch(
      new RegExp(
        `--port <port> +${port.description.replace(/[.()]/g, '\\$&')} \\(TASKSGODZILLA_API_PORT, default 8010\\)`,
      ),
    );
    expect(flags.usage).toMatch(/--no-inline-worker +do not/);
    expect(flags.usage).toMatch(
      /--db-path <file> +SQLite database file\. \(TASKSGODZILLA_DB_PATH, default <data dir>\/tasksgodzilla\.sqlite\)/,
    );
    expect(flags.usage).toMatch(/--count <n> +a count \(default 3\)/);
    expect(flags.usage).toContain(
      'Log level. One of trace|debug|info|warn|error|fatal|silent. (TASKSGODZILLA_LOG_LEVEL',
    );
    expect(flags.usage).toMatch(/-h, --help +show this help\n$/);
  });

  it('refuses settings without a flag and two flags of one name', () => {
    expect(() => defineProcessFlags({ command: 'x', settings: ['dbUrl'] })).toThrow('Setting dbUrl has no flag');
    expect(() => defineProcessFlags({ command: 'x', settings: ['apiPort', 'workerPort'] })).toThrow(
      'Flag --port is declared twice',
    );
    expect(() =>
      defineProcessFlags({
        command: 'x',
        settings: ['dbPath'],
        options: { other: { kind: 'string', flag: 'db-path', placeholder: 'p', description: 'd' } },
      }),
    ).toThrow('Flag --db-path is declared twice');
  });
});
