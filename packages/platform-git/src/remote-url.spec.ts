import { inferForgeProvider, parseRemoteUrl, repoNameFromUrl, toGithubSshUrl } from './remote-url.js';

describe('parseRemoteUrl', () => {
  it.each([
    [
      'https://github.com/acme/widgets.git',
      { host: 'github.com', owner: 'acme', repo: 'widgets', fullPath: 'acme/widgets' },
    ],
    [
      'https://github.com/acme/widgets',
      { host: 'github.com', owner: 'acme', repo: 'widgets', fullPath: 'acme/widgets' },
    ],
    [
      'https://x-access-token:secret@github.com/acme/widgets.git/',
      { host: 'github.com', owner: 'acme', repo: 'widgets', fullPath: 'acme/widgets' },
    ],
    [
      'git@github.com:acme/widgets.git',
      { host: 'github.com', owner: 'acme', repo: 'widgets', fullPath: 'acme/widgets' },
    ],
    [
      'ssh://git@github.com:22/acme/widgets.git',
      { host: 'github.com', owner: 'acme', repo: 'widgets', fullPath: 'acme/widgets' },
    ],
    [
      'https://gitlab.com/group/sub/deeper/app.git',
      { host: 'gitlab.com', owner: 'group/sub/deeper', repo: 'app', fullPath: 'group/sub/deeper/app' },
    ],
    [
      'git@gitlab.example.com:group/sub/app.git',
      { host: 'gitlab.example.com', owner: 'group/sub', repo: 'app', fullPath: 'group/sub/app' },
    ],
    [
      'HTTPS://GitLab.Example.com/Group/App',
      { host: 'gitlab.example.com', owner: 'Group', repo: 'App', fullPath: 'Group/App' },
    ],
  ])('parses %s', (url, expected) => {
    expect(parseRemoteUrl(url)).toEqual(expected);
  });

  it.each([
    '/srv/git/app.git',
    './relative/repo',
    'file:///srv/git/app.git',
    'https://github.com/only-owner',
    'not a url',
    'git@github.com:',
    '',
  ])('returns null for %s', (url) => {
    expect(parseRemoteUrl(url)).toBeNull();
  });
});

describe('inferForgeProvider', () => {
  it('tells GitHub from GitLab by host', () => {
    expect(inferForgeProvider('git@github.com:acme/widgets.git')).toBe('github');
    expect(inferForgeProvider('https://github.example.com/acme/widgets')).toBe('github');
    expect(inferForgeProvider('https://gitlab.com/group/sub/app.git')).toBe('gitlab');
    expect(inferForgeProvider('https://bitbucket.org/acme/widgets.git')).toBeNull();
    expect(inferForgeProvider('/srv/git/app.git')).toBeNull();
  });
});

describe('toGithubSshUrl', () => {
  it('rewrites https GitHub URLs only', () => {
    expect(toGithubSshUrl('https://github.com/acme/widgets')).toBe('git@github.com:acme/widgets.git');
    expect(toGithubSshUrl('https://token@github.com/acme/widgets.git')).toBe('git@github.com:acme/widgets.git');
    expect(toGithubSshUrl('git@github.com:acme/widgets.git')).toBeNull();
    expect(toGithubSshUrl('https://gitlab.com/acme/widgets.git')).toBeNull();
    expect(toGithubSshUrl('/srv/git/widgets.git')).toBeNull();
  });
});

describe('repoNameFromUrl', () => {
  it('takes the last segment without .git', () => {
    expect(repoNameFromUrl('https://github.com/acme/widgets.git')).toBe('widgets');
    expect(repoNameFromUrl('git@github.com:acme/widgets.git')).toBe('widgets');
    expect(repoNameFromUrl('/srv/git/app.git/')).toBe('app');
    expect(repoNameFromUrl('C:\\repos\\tool')).toBe('tool');
    expect(repoNameFromUrl('https://x/o/..')).toBeNull();
    expect(repoNameFromUrl('')).toBeNull();
  });
});
