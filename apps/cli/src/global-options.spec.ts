import { resolveGlobals, withoutGlobalOptions } from './global-options.js';
import { UsageError } from './cli.errors.js';

const defaults = { apiBase: 'http://127.0.0.1:8010', token: 'env-token', projectToken: undefined };

describe('withoutGlobalOptions', () => {
  it.each([
    [['--json'], []],
    [['--api-base', 'http://x', '--verbose'], []],
    [
      ['--token=abc', 'projects', 'list', '--json'],
      ['projects', 'list'],
    ],
    [
      ['projects', '--project-token', 'p', 'show', '1'],
      ['projects', 'show', '1'],
    ],
    [
      ['steps', 'log', '--', '--json'],
      ['steps', 'log', '--', '--json'],
    ],
  ])('%j → %j', (argv, rest) => {
    expect(withoutGlobalOptions(argv)).toEqual(rest);
  });
});

describe('resolveGlobals', () => {
  it('uses flags over the environment', () => {
    expect(resolveGlobals({ apiBase: 'https://api.example.invalid/prefix', token: 't', json: true }, defaults)).toEqual(
      {
        apiBase: 'https://api.example.invalid/prefix',
        local: false,
        dataDir: undefined,
        token: 't',
        projectToken: undefined,
        json: true,
        verbose: false,
      },
    );
  });

  it('falls back to the environment', () => {
    expect(resolveGlobals({}, defaults)).toEqual({
      apiBase: 'http://127.0.0.1:8010',
      local: false,
      dataDir: undefined,
      token: 'env-token',
      projectToken: undefined,
      json: false,
      verbose: false,
    });
  });

  it('--api is --api-base; no api at all is local mode (token ignored), --data-dir made absolute', () => {
    expect(resolveGlobals({ api: 'http://x:1' }, defaults).apiBase).toBe('http://x:1');
    const local = resolveGlobals({ dataDir: 'data' }, { ...defaults, apiBase: undefined }, () => '/work');
    expect(local).toMatchObject({ local: true, apiBase: '', dataDir: '/work/data', token: undefined });
  });

  it.each(['127.0.0.1:8010', 'ftp://x', 'not a url'])('rejects api base %j as a usage error', (apiBase) => {
    expect(() => resolveGlobals({ apiBase }, defaults)).toThrow(UsageError);
  });
});
