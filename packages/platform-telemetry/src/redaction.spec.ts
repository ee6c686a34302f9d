import { configSecretValues, createRedactor, jsonSecretValues, REDACTED_VALUE } from './redaction.js';

describe('redaction', () => {
  it('collects the config tokens and the passwords of the database and Redis URLs', () => {
    const values = configSecretValues({
      apiToken: 'api-token-123',
      webhookToken: 'hook-token-456',
      githubToken: 'ghp_abcdef',
      gitlabToken: undefined,
      dbUrl: 'postgres://tgz:db%40pass@127.0.0.1:5432/tgz',
      redisUrl: 'redis://127.0.0.1:6379',
    });
    expect(values).toEqual([
      'api-token-123',
      'hook-token-456',
      'ghp_abcdef',
      'db@pass',
      'postgres://tgz:db%40pass@127.0.0.1:5432/tgz',
    ]);
  });

  it('collects every string of a secrets object, nested ones too', () => {
    expect(jsonSecretValues({ api_token: 'tok-1', env: { NPM_TOKEN: 'npm-2' }, list: ['x-3'], n: 4 })).toEqual([
      'tok-1',
      'npm-2',
      'x-3',
    ]);
    expect(jsonSecretValues(null)).toEqual([]);
  });

  it('replaces every occurrence, the longest value first, and ignores short or blank values', () => {
    const redact = createRedactor(['secret-value', 'postgres://u:secret-value@h/db', 'abc', '   ', null, undefined]);
    expect(redact('url=postgres://u:secret-value@h/db token=secret-value again secret-value abc')).toBe(
      `url=${REDACTED_VALUE} token=${REDACTED_VALUE} again ${REDACTED_VALUE} abc`,
    );
  });

  it('treats values as text, not patterns', () => {
    const redact = createRedactor(['a.b*c+d(e)']);
    expect(redact('x a.b*c+d(e) y aXbbc')).toBe(`x ${REDACTED_VALUE} y aXbbc`);
  });

  it('is the identity without values', () => {
    const redact = createRedactor([]);
    expect(redact('nothing to hide')).toBe('nothing to hide');
  });
});
