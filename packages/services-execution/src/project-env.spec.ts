import { projectChildEnv } from './project-env.js';

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
