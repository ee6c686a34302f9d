import { allowListedEnv, isEnvVariableName } from './child-env.js';

const PARENT = {
  PATH: '/usr/bin',
  HOME: '/home/tgz',
  LC_ALL: 'C',
  TASKSGODZILLA_API_TOKEN: 'canary-api',
  DATABASE_URL: 'postgres://u:canary-db@h/db',
  GITHUB_TOKEN: 'canary-gh',
  SSH_AUTH_SOCK: '/tmp/agent.sock',
  AWS_SECRET_ACCESS_KEY: 'canary-aws',
  UNSET: undefined,
};

describe('allowListedEnv', () => {
  it('keeps only the base variables by default', () => {
    expect(allowListedEnv({ parent: PARENT })).toEqual({ PATH: '/usr/bin', HOME: '/home/tgz', LC_ALL: 'C' });
  });

  it('adds the caller allow-list, but a pattern never matches a protected name', () => {
    const env = allowListedEnv({ parent: PARENT, allow: ['SSH_AUTH_SOCK', 'TASKSGODZILLA_*', 'GITHUB_*'] });
    expect(env['SSH_AUTH_SOCK']).toBe('/tmp/agent.sock');
    expect(Object.values(env).join(' ')).not.toMatch(/canary/);
  });

  it('passes protected names only when named explicitly, and sets the caller values last', () => {
    const env = allowListedEnv({
      parent: PARENT,
      passthrough: ['GITHUB_TOKEN', 'bad name'],
      set: { GIT_TERMINAL_PROMPT: '0', HOME: undefined },
    });
    expect(env).toEqual({ PATH: '/usr/bin', LC_ALL: 'C', GITHUB_TOKEN: 'canary-gh', GIT_TERMINAL_PROMPT: '0' });
  });

  it('checks variable names', () => {
    expect(isEnvVariableName('NPM_TOKEN')).toBe(true);
    expect(isEnvVariableName('1X')).toBe(false);
    expect(isEnvVariableName('A=B')).toBe(false);
  });
});
