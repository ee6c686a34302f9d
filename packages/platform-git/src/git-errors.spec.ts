import { GitError } from '@tasksgodzilla/core';
import { assertBranchName } from './branch-name.js';
import { classifyGitFailure, gitCommandError, redactCredentials } from './git-errors.js';

describe('classifyGitFailure', () => {
  it.each([
    [
      "fatal: unable to access 'https://example.invalid/x.git/': Could not resolve host: example.invalid",
      'git_network',
      true,
    ],
    ['fatal: the remote end hung up unexpectedly', 'git_network', true],
    ['ssh: connect to host example.invalid port 22: Connection timed out', 'git_network', true],
    ["fatal: Unable to create '/r/.git/index.lock': File exists.", 'git_locked', true],
    [
      'git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.',
      'git_auth_failed',
      false,
    ],
    ["fatal: Authentication failed for 'https://github.com/a/b.git/'", 'git_auth_failed', false],
    ["fatal: couldn't find remote ref nope", 'git_bad_ref', false],
    ['fatal: invalid reference: nope', 'git_bad_ref', false],
    ["fatal: ambiguous argument 'nope': unknown revision or path not in the working tree.", 'git_bad_ref', false],
    ["fatal: a branch named 'x' already exists", 'git_already_exists', false],
    ['fatal: not a git repository (or any of the parent directories): .git', 'git_not_a_repository', false],
    [' ! [rejected]        x -> x (non-fast-forward)', 'git_push_rejected', false],
    ['*** Please tell me who you are.', 'git_identity_missing', false],
  ])('%s → %s', (stderr, code, retryable) => {
    expect(classifyGitFailure(stderr, { network: true })).toEqual({ code, retryable });
  });

  it('treats unexplained failures as retryable only for remote commands', () => {
    expect(classifyGitFailure('fatal: something odd', { network: true })).toEqual({
      code: 'git_failed',
      retryable: true,
    });
    expect(classifyGitFailure('fatal: something odd', { network: false })).toEqual({
      code: 'git_failed',
      retryable: false,
    });
  });
});

describe('gitCommandError', () => {
  it('puts stderr in the message and details, with credentials redacted', () => {
    const error = gitCommandError({
      binary: 'git',
      args: ['clone', 'https://user:s3cret@example.invalid/a.git', '/tmp/x'],
      cwd: '/tmp',
      exitCode: 128,
      signal: null,
      stdout: '',
      stderr:
        "fatal: unable to access 'https://user:s3cret@example.invalid/a.git/': Could not resolve host: example.invalid\n",
      timedOut: false,
      notFound: false,
      network: true,
    });
    expect(error).toBeInstanceOf(GitError);
    expect(error.category).toBe('git');
    expect(error.code).toBe('git_network');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('Could not resolve host');
    expect(error.message).toContain('exit 128');
    expect(error.message).not.toContain('s3cret');
    expect(error.details?.stderr).toContain('Could not resolve host');
    expect(JSON.stringify(error.details)).not.toContain('s3cret');
  });

  it('reports a missing binary and a timeout distinctly', () => {
    const base = {
      binary: 'gitx',
      args: ['status'],
      cwd: undefined,
      exitCode: null,
      signal: null,
      stdout: '',
      stderr: '',
      network: false,
    };
    expect(gitCommandError({ ...base, timedOut: false, notFound: true }).code).toBe('git_binary_not_found');
    const timeout = gitCommandError({ ...base, signal: 'SIGTERM', timedOut: true, notFound: false });
    expect(timeout.code).toBe('git_timeout');
    expect(timeout.retryable).toBe(true);
  });

  it('redacts any URL credentials', () => {
    expect(redactCredentials('see https://oauth2:tok@gitlab.com/a/b.git and ssh://git@host/x')).toBe(
      'see https://***@gitlab.com/a/b.git and ssh://***@host/x',
    );
  });
});

describe('assertBranchName', () => {
  it.each(['0001-add-login', 'feature/x', 'tasksgodzilla-worktree', 'a.b'])('accepts %s', (name) => {
    expect(assertBranchName(name)).toBe(name);
  });

  it.each([
    '',
    '-rf',
    'a..b',
    'a b',
    'a~1',
    'x^',
    'a:b',
    '@',
    'HEAD',
    'a@{1}',
    '/a',
    'a/',
    'a//b',
    'a.lock',
    '.a',
    'a.',
    'x\ny',
  ])('rejects %j', (name) => {
    expect(() => assertBranchName(name)).toThrow(/Invalid branch name/);
  });
});
