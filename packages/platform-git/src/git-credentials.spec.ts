import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, createTestRepo, git } from '@tasksgodzilla/testing';
import {
  GIT_CREDENTIALS_SECRET,
  gitCredentialsEnv,
  gitCredentialsOf,
  splitGitUrlCredentials,
  type GitCredentials,
} from './git-credentials.js';
import { createTestGitService, useTempDir } from './git.test-helpers.js';

const REMOTE = 'https://git.example.test/acme/app.git';
const SECRET = { username: 'deploy-bot', password: 'tok3n-very-secret' };

describe('splitGitUrlCredentials', () => {
  it('splits user:token out of an http(s) URL, percent-decoded, and keeps the rest of the URL as it was', () => {
    expect(splitGitUrlCredentials('https://deploy-bot:tok3n%2Fx%40y@git.example.test:8443/acme/app.git?x=1')).toEqual({
      url: 'https://git.example.test:8443/acme/app.git?x=1',
      credentials: { username: 'deploy-bot', password: 'tok3n/x@y' },
    });
    expect(splitGitUrlCredentials('HTTP://ghp_abc@github.com/acme/app')).toEqual({
      url: 'HTTP://github.com/acme/app',
      credentials: { username: 'ghp_abc', password: '' },
    });
  });

  it('leaves URLs without credentials, ssh and scp-like URLs and local paths unchanged', () => {
    for (const url of [
      REMOTE,
      'ssh://git@github.com/acme/app.git',
      'git@github.com:acme/app.git',
      '/srv/repos/app.git',
      'https://github.com/a/b@c',
    ]) {
      expect(splitGitUrlCredentials(url)).toEqual({ url, credentials: null });
    }
  });

  it('refuses credentials that would break the credential protocol, naming the field', () => {
    expect(() => splitGitUrlCredentials('https://u:a%0Ab@h/x', 'git_url')).toThrow(
      /Invalid git_url: its credentials contain control characters/,
    );
    expect(() => splitGitUrlCredentials('https://u:%zz@h/x', 'git_url')).toThrow(
      /Invalid git_url: malformed percent-encoding/,
    );
  });

  it('reads the git_credentials secret back, ignoring malformed values', () => {
    expect(gitCredentialsOf({ [GIT_CREDENTIALS_SECRET]: SECRET, api_token: 'x' })).toEqual(SECRET);
    expect(gitCredentialsOf({ [GIT_CREDENTIALS_SECRET]: 'user:pass' })).toBeNull();
    expect(gitCredentialsOf(null)).toBeNull();
  });

  it("gives real git a credential helper that answers from the invocation's environment", () => {
    const dir = createTempDir('tgz-git-cred-helper-');
    try {
      const env = {
        ...process.env,
        GIT_CONFIG_GLOBAL: join(dir.path, 'none'),
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_TERMINAL_PROMPT: '0',
        ...gitCredentialsEnv(SECRET),
      };
      const answer = execFileSync('git', ['credential', 'fill'], {
        input: 'protocol=https\nhost=git.example.test\n\n',
        env,
        encoding: 'utf8',
      });
      expect(answer).toContain('username=deploy-bot\n');
      expect(answer).toContain('password=tok3n-very-secret\n');
    } finally {
      dir.remove();
    }
  });
});

describe('GitService with a credentials resolver', () => {
  const dir = useTempDir('tgz-git-cred-');

  /**
   * A git binary that records argv and, for commands that talk to the remote, what git's credential
   * machinery answers in the environment it was given (`git credential fill`), then fails like an
   * unreachable https remote; every other command runs the real git.
   */
  function fakeGit(): { binary: string; argvLog: string; credLog: string } {
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const binary = join(dir.path, 'fake-git');
    const argvLog = join(dir.path, 'argv.log');
    const credLog = join(dir.path, 'cred.log');
    writeFileSync(
      binary,
      [
        '#!/bin/sh',
        `printf '%s\\n' "$*" >> '${argvLog}'`,
        'case " $* " in',
        `  *" clone "*|*" fetch "*|*" push "*|*" ls-remote "*)`,
        `    printf 'protocol=https\\nhost=git.example.test\\n\\n' | '${realGit}' credential fill >> '${credLog}' 2>/dev/null`,
        `    echo "fatal: unable to access '${REMOTE}/': Could not resolve host: git.example.test" >&2`,
        '    exit 128 ;;',
        'esac',
        `exec '${realGit}' "$@"`,
      ].join('\n'),
    );
    chmodSync(binary, 0o755);
    return { binary, argvLog, credLog };
  }

  it('authenticates clone, fetch, push and ls-remote of a credentialed remote through the environment only', async () => {
    const fake = fakeGit();
    const asked: string[] = [];
    const credentials = async (url: string): Promise<GitCredentials | null> => {
      asked.push(url);
      return url === REMOTE ? SECRET : null;
    };
    const service = createTestGitService(dir.path, { gitBinary: fake.binary, credentials });

    const clone = await service
      .ensureRepo({ projectId: 1, gitUrl: REMOTE, projectName: 'app' })
      .catch((error: unknown) => error);
    expect(clone).toMatchObject({ code: 'git_network' });
    expect(readFileSync(fake.credLog, 'utf8')).toContain('username=deploy-bot\npassword=tok3n-very-secret\n');

    // An existing checkout whose origin is the bare https URL.
    const { path } = createTestRepo(dir.path, { withOrigin: false });
    git(path, ['remote', 'add', 'origin', REMOTE]);
    writeFileSync(fake.credLog, '');
    await expect(service.listRemoteBranches(path)).rejects.toMatchObject({ code: 'git_network' });
    await expect(service.push({ repoPath: path, branch: 'main' })).rejects.toMatchObject({ code: 'git_network' });
    await expect(service.deleteRemoteBranch(path, 'old')).rejects.toMatchObject({ code: 'git_network' });
    await expect(service.ensureWorktree({ repoPath: path, protocolName: '0001-fetch-first' })).rejects.toMatchObject({
      code: 'git_network',
    });
    const existsError = (await service.remoteBranchExists(path, 'main').catch((error: unknown) => error)) as Error;
    expect(readFileSync(fake.credLog, 'utf8').match(/password=tok3n-very-secret/g)).toHaveLength(5);
    expect(asked).toEqual(Array(6).fill(REMOTE));

    // Never in argv, in the stored origin, or in an error.
    expect(readFileSync(fake.argvLog, 'utf8')).not.toContain('tok3n');
    expect(readFileSync(join(path, '.git', 'config'), 'utf8')).not.toContain('tok3n');
    expect(
      JSON.stringify({
        message: existsError.message,
        details: (existsError as { details?: unknown }).details,
        clone: String(clone),
      }),
    ).not.toContain('tok3n');
  });

  it('gives no credentials to other remotes (ssh, local, unknown https)', async () => {
    const asked: string[] = [];
    const service = createTestGitService(dir.path, {
      credentials: async (url) => {
        asked.push(url);
        return null;
      },
    });
    const { path } = createTestRepo(dir.path);
    // A local origin: a file remote is never asked about.
    expect(await service.listRemoteBranches(path)).toContain('main');
    expect(asked).toEqual([]);
    expect(existsSync(path)).toBe(true);
  });
});
