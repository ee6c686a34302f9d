import { ValidationError } from '@tasksgodzilla/core';
import { GIT_ALLOW_PROTOCOL, assertGitUrl, gitUrlProblem } from './git-url.js';

describe('git URL validation', () => {
  it.each([
    'https://github.com/acme/widgets.git',
    'https://user@gitlab.example.com/group/sub/app',
    'ssh://git@host.example:2222/acme/widgets.git',
    'git://host.example/acme/widgets.git',
    'git+ssh://git@host.example/acme/widgets.git',
    'git@github.com:acme/widgets.git',
    'host.example:acme/widgets.git',
    'file:///srv/repos/widgets.git',
    '/srv/repos/widgets.git',
    './relative/repo',
    '../sibling',
    'C-repo/with:colon-after-slash',
  ])('accepts %s', (url) => {
    expect(gitUrlProblem(url)).toBeNull();
  });

  it.each([
    ['fd::17', 'remote-helper'],
    ['ext::sh -c touch% /tmp/pwned', 'remote-helper'],
    ['https::example.com/x', 'remote-helper'],
    ['http://example.com/acme/widgets.git', 'http:// scheme is not allowed'],
    ['ftp://example.com/x', 'ftp:// scheme is not allowed'],
    ['-uhelp', 'must not start with "-"'],
    ['--upload-pack=touch /tmp/x', 'must not start with "-"'],
    ['https://exa\u0000mple.com/x', 'control characters'],
    ['host:', 'neither a URL nor scp-like'],
    ['', 'must not be empty'],
    ['x'.repeat(5000), 'at most 4096'],
  ])('refuses %s', (url, reason) => {
    expect(gitUrlProblem(url)).toContain(reason);
  });

  it('throws a ValidationError naming the field', () => {
    expect(() => assertGitUrl('fd::17')).toThrow(ValidationError);
    try {
      assertGitUrl('fd::17');
    } catch (error) {
      expect((error as ValidationError).issues).toEqual([
        { path: ['git_url'], message: expect.stringContaining('remote-helper') },
      ]);
    }
    expect(assertGitUrl('  /srv/repo  ')).toBe('/srv/repo');
  });

  it('allows only the https, ssh, git and file transports in git itself', () => {
    expect(GIT_ALLOW_PROTOCOL).toBe('https:ssh:git:file');
  });
});
