import { EventEmitter } from 'node:events';
import { ConfigError } from '@tasksgodzilla/core';
import { LOG_LEVELS, closeOnSignals, integerFlag, logLevelFlag, runMain } from './process-main.js';

function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  return {
    emitter,
    exits,
    target: {
      on: (event: 'SIGINT' | 'SIGTERM', listener: () => void) => emitter.on(event, listener),
      exit: (code: number) => void exits.push(code),
    },
  };
}

const silent = { info: () => undefined, error: () => undefined };
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('flag helpers', () => {
  it('parses whole numbers in range and names the flag otherwise', () => {
    expect(integerFlag('port', undefined, 0, 65535)).toBeUndefined();
    expect(integerFlag('port', '8010', 0, 65535)).toBe(8010);
    expect(() => integerFlag('port', '-1', 0, 65535)).toThrow(
      '--port must be a whole number from 0 to 65535 (got "-1")',
    );
    expect(() => integerFlag('concurrency', '2.5', 1, 10)).toThrow(ConfigError);
  });

  it('accepts the log levels of the config schema only', () => {
    expect(LOG_LEVELS).toContain('debug');
    expect(logLevelFlag('warn')).toBe('warn');
    expect(logLevelFlag(undefined)).toBeUndefined();
    expect(() => logLevelFlag('loud')).toThrow('--log-level must be one of');
  });
});

describe('closeOnSignals', () => {
  it('closes once on the first signal and exits 0', async () => {
    const proc = fakeProcess();
    let closed = 0;
    closeOnSignals('api', silent, async () => void (closed += 1), proc.target);
    proc.emitter.emit('SIGTERM');
    proc.emitter.emit('SIGINT');
    await settle();
    expect(closed).toBe(1);
    expect(proc.exits).toEqual([0]);
  });

  it('exits 1 when closing fails', async () => {
    const proc = fakeProcess();
    closeOnSignals('worker', silent, async () => Promise.reject(new Error('db gone')), proc.target);
    proc.emitter.emit('SIGINT');
    await settle();
    expect(proc.exits).toEqual([1]);
  });
});

describe('runMain', () => {
  it('exits 2 for configuration errors and 1 otherwise, with a readable line', async () => {
    const lines: string[] = [];
    const exits: number[] = [];
    const stderr = { write: (text: string) => lines.push(text) };
    runMain(
      'api',
      async () => Promise.reject(new ConfigError('bad port')),
      { exit: (c: number) => void exits.push(c) },
      stderr,
    );
    runMain(
      'worker',
      async () => Promise.reject(new Error('boom')),
      { exit: (c: number) => void exits.push(c) },
      stderr,
    );
    await settle();
    expect(exits.sort()).toEqual([1, 2]);
    expect(lines).toEqual(expect.arrayContaining(['tasksgodzilla api: bad port\n', 'tasksgodzilla worker: boom\n']));
  });
});
