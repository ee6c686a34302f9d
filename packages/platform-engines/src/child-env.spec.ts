import {
  buildChildEnv,
  childEnvAllowList,
  ENGINE_CHILD_ENV,
  projectChildEnv,
  projectEngineIsolation,
} from './child-env.js';

/** What every engine inherits from the parent. */
const BASE = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/tgz',
  USER: 'tgz',
  SHELL: '/bin/bash',
  TMPDIR: '/tmp',
  TERM: 'xterm',
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  LC_CTYPE: 'C.UTF-8',
};

const PARENT = {
  ...BASE,
  TASKSGODZILLA_API_TOKEN: 'canary-api',
  TASKSGODZILLA_WEBHOOK_TOKEN: 'canary-hook',
  TASKSGODZILLA_DB_URL: 'postgres://u:canary-db@h/db',
  TASKSGODZILLA_REDIS_URL: 'redis://:canary-redis@h:6379',
  DATABASE_URL: 'postgres://u:canary-db2@h/db',
  GITHUB_TOKEN: 'canary-gh',
  GH_TOKEN: 'canary-gh2',
  GITLAB_TOKEN: 'canary-gl',
  ANTHROPIC_API_KEY: 'sk-ant',
  ANTHROPIC_BASE_URL: 'http://127.0.0.1:1',
  OPENAI_API_KEY: 'sk-openai',
  CODEX_HOME: '/home/tgz/.codex',
  OPENCODE_CONFIG: '/etc/opencode.json',
  XDG_CONFIG_HOME: '/home/tgz/.config',
  AWS_SECRET_ACCESS_KEY: 'canary-aws',
  NPM_TOKEN: 'npm-secret',
  UNSET: undefined,
};

describe('child environment allow-list', () => {
  it('gives every engine the base variables and none of the protected or unknown ones', () => {
    const env = buildChildEnv({ parent: PARENT, engineId: 'shell' });
    expect(env).toEqual(BASE);
    expect(buildChildEnv({ parent: PARENT })).toEqual(env);
    expect(buildChildEnv({ parent: PARENT, engineId: 'unknown-engine' })).toEqual(env);
  });

  it.each([
    ['claude-code', { ANTHROPIC_API_KEY: 'sk-ant', ANTHROPIC_BASE_URL: 'http://127.0.0.1:1' }],
    ['codex', { OPENAI_API_KEY: 'sk-openai', CODEX_HOME: '/home/tgz/.codex' }],
    ['opencode', { OPENCODE_CONFIG: '/etc/opencode.json', XDG_CONFIG_HOME: '/home/tgz/.config' }],
  ])('adds only the credential and homes %s documents', (engineId, own) => {
    const env = buildChildEnv({ parent: PARENT, engineId });
    const base = buildChildEnv({ parent: PARENT, engineId: 'shell' });
    expect(env).toEqual({ ...base, ...own });
  });

  it('passes a protected or unknown variable only when the project names it exactly', () => {
    const env = buildChildEnv({
      parent: PARENT,
      engineId: 'shell',
      passthrough: ['GITHUB_TOKEN', 'NPM_TOKEN', 'TASKSGODZILLA_*', 'NOT SET', 'MISSING'],
    });
    expect(env).toMatchObject({ GITHUB_TOKEN: 'canary-gh', NPM_TOKEN: 'npm-secret' });
    expect(env).not.toHaveProperty('TASKSGODZILLA_API_TOKEN');
    expect(env).not.toHaveProperty('GH_TOKEN');
    expect(env).not.toHaveProperty('MISSING');
  });

  it('lets the caller set and remove values on top', () => {
    const env = buildChildEnv({
      parent: PARENT,
      engineId: 'shell',
      set: { TGZ_STEP_FILE: '/w/01.md', TERM: undefined, LANG: 'fr_FR.UTF-8' },
    });
    expect(env).toMatchObject({ TGZ_STEP_FILE: '/w/01.md', LANG: 'fr_FR.UTF-8' });
    expect(env).not.toHaveProperty('TERM');
  });

  it('never lets a base or engine pattern reach a protected name', () => {
    for (const engineId of Object.keys(ENGINE_CHILD_ENV)) {
      const env = buildChildEnv({ parent: PARENT, engineId });
      for (const value of Object.values(env)) expect(value).not.toMatch(/canary/);
    }
  });

  it('lists the allow-list', () => {
    expect(childEnvAllowList('codex', ['NPM_TOKEN', 'bad name'])).toEqual(
      expect.arrayContaining(['PATH', 'LC_*', 'OPENAI_API_KEY', 'NPM_TOKEN']),
    );
    expect(childEnvAllowList('codex', ['bad name'])).not.toContain('bad name');
  });
});

describe('projectChildEnv', () => {
  it('reads env_passthrough names and env values from the project secrets', () => {
    expect(
      projectChildEnv({
        api_token: 't',
        env_passthrough: ['NPM_TOKEN', 'GITHUB_TOKEN', 'NPM_TOKEN'],
        env: { FOO: 'bar' },
      }),
    ).toEqual({
      passEnv: ['NPM_TOKEN', 'GITHUB_TOKEN'],
      env: { FOO: 'bar' },
    });
  });

  it('ignores what is not a variable name or a string value', () => {
    expect(
      projectChildEnv({
        env_passthrough: ['OK_1', 'bad name', 'A=B', 3, 'X*'],
        env: { 'not ok': 'x', N: 5, GOOD: 'yes' },
      }),
    ).toEqual({
      passEnv: ['OK_1'],
      env: { GOOD: 'yes' },
    });
    expect(projectChildEnv({ env_passthrough: 'NPM_TOKEN', env: ['A'] })).toEqual({ passEnv: [], env: {} });
  });

  it('gives nothing without secrets', () => {
    expect(projectChildEnv(null)).toEqual({ passEnv: [], env: {} });
  });
});

describe('projectEngineIsolation', () => {
  it('gives the opt-in and redacts the config values and every project secret value but the pass-through names', () => {
    const isolation = projectEngineIsolation(
      { deploy_key: 'project-secret-1', env: { NPM_TOKEN: 'npm-secret-2' }, env_passthrough: ['GITHUB_TOKEN'] },
      ['config-secret-3'],
    );
    expect(isolation.env).toEqual({ NPM_TOKEN: 'npm-secret-2' });
    expect(isolation.passEnv).toEqual(['GITHUB_TOKEN']);
    expect(isolation.redact('a project-secret-1 b npm-secret-2 c config-secret-3 GITHUB_TOKEN')).toBe(
      'a [REDACTED] b [REDACTED] c [REDACTED] GITHUB_TOKEN',
    );
  });
});
