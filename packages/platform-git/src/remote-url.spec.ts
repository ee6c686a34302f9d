import { inferForgeProvider, parseRemoteUrl, repoNameFromUrl, toGithubSshUrl } from './remote-url.js';

describe('parseRemoteUrl', () => {
  it.each([
    'https://github.com/acme/widgets.git',
    'https://github.com/acme/widgets',
    'https://x-access-token:secret@github.com/acme/widgets.git/',
    'git@github.com:acme/widgets.git',
    'ssh://git@github.com:22/acme/widgets.git',
  ])('parses %s as github.com acme/widgets', (url) => {
    expect(parseRemoteUrl(url)).toEqual({
      host: 'github.com',
      owner: 'acme',
      repo: 'widgets',
      fullPath: 'acme/widgets',
    });
  });

  it.each([
    ['https://gitlab.com/group/sub/deeper/app.git', 'gitlab.com', 'group/sub/deeper', 'app'],
    ['git@gitlab.example.com:group/sub/app.git', 'gitlab.example.com', 'group/sub', 'app'],
    ['HTTPS://GitLab.Example.com/Group/App', 'gitlab.example.com', 'Group', 'App'],
  ])('parses %s (nested groups, case of the host)', (url, host, owner, repo) => {
    expect(parseRemoteUrl(url)).toEqual({ host, owner, repo, fullPath: `${owner}/${repo}` });
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

type UrlReading = (url: string) => string | null;

describe.each<[string, UrlReading, [string, string | null][]]>([
  [
    'inferForgeProvider tells GitHub from GitLab by host',
    inferForgeProvider,
    [
      ['git@github.com:acme/widgets.git', 'github'],
      ['https://github.example.com/acme/widgets', 'github'],
      ['https://gitlab.com/group/sub/app.git', 'gitlab'],
      ['https://bitbucket.org/acme/widgets.git', null],
      ['/srv/git/app.git', null],
    ],
  ],
  [
    'toGithubSshUrl rewrites https GitHub URLs only',
    toGithubSshUrl,
    [
      ['https://github.com/acme/widgets', 'git@github.com:acme/widgets.git'],
      ['https://token@github.com/acme/widgets.git', 'git@github.com:acme/widgets.git'],
      ['git@github.com:acme/widgets.git', null],
      ['https://gitlab.com/acme/widgets.git', null],
      ['/srv/git/widgets.git', null],
    ],
  ],
  [
    'repoNameFromUrl takes the last segment without .git',
    repoNameFromUrl,
    [
      ['https://github.com/acme/widgets.git', 'widgets'],
      ['git@github.com:acme/widgets.git', 'widgets'],
      ['/srv/git/app.git/', 'app'],
      ['C:\\repos\\tool', 'tool'],
      ['https://x/o/..', null],
      ['', null],
    ],
  ],
])('%s', (_title, read, cases) => {
  it.each(cases)('%j → %j', (url, expected) => {
    expect(read(url)).toBe(expected);
  });
});
