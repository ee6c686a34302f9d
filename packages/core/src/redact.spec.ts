import { projectSecretValues, redactUrlCredentials } from './redact.js';

describe('redactUrlCredentials', () => {
  it('hides user and password of every URL in a text, and leaves the rest alone', () => {
    expect(redactUrlCredentials('https://user:tok3n@github.com/acme/app.git')).toBe(
      'https://***@github.com/acme/app.git',
    );
    expect(
      redactUrlCredentials('cannot reach http://u:p@127.0.0.1:1: TypeError for http://u:p@127.0.0.1:1/projects'),
    ).toBe('cannot reach http://***@127.0.0.1:1: TypeError for http://***@127.0.0.1:1/projects');
    expect(redactUrlCredentials('git@github.com:acme/app.git')).toBe('git@github.com:acme/app.git');
    expect(redactUrlCredentials('https://github.com/acme/app.git')).toBe('https://github.com/acme/app.git');
  });
});

describe('projectSecretValues', () => {
  it('lists every string value of a project secrets object but the pass-through names', () => {
    expect(
      projectSecretValues({
        deploy_key: 'key-1',
        git_credentials: { username: 'bot', password: 'pw-2' },
        env: { NPM_TOKEN: 'npm-3' },
        env_passthrough: ['GITHUB_TOKEN'],
      }).sort(),
    ).toEqual(['bot', 'key-1', 'npm-3', 'pw-2']);
    expect(projectSecretValues(null)).toEqual([]);
  });
});
