import { GitError } from '@tasksgodzilla/core';
import { assertBranchName } from './branch-name.js';
import { classifyGitFailure, gitCommandError, redactCredentials } from './git-errors.js';

describe('classifyGitFailure', () => {
  it.each([
    {
      code: 'git_network',
      retryable: true,
      stderr: [
        "fatal: unable to access 'https://example.invalid/x.git/': Could not resolve host: example.invalid",
        'fatal: the remote end hung up unexpectedly',
        'ssh: connect to host example.invalid port 22: Connection timed out',
      ],
    },
    { code: 'git_locked', retryable: true, stderr: ["fatal: Unable to create '/r/.git/index.lock': File exists."] },
    {
      code: 'git_auth_failed',
      retryable: false,
      stderr: [
        'git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.',
        "fatal: Authentication failed for 'https://github.com/a/b.git/'",
      ],
    },
    {
      code: 'git_bad_ref',
      retryable: false,
      stderr: [
        "fatal: couldn't find remote ref nope",
        'fatal: invalid reference: nope',
        "fatal: ambiguous argument 'nope': unknown revision or path not in the working tree.",
      ],
    },
    { code: 'git_already_exists', retryable: false, stderr: ["fatal: a branch named 'x' already exists"] },
    {
      code: 'git_not_a_repository',
      retryable: false,
      stderr: ['fatal: not a git repository (or any of the parent directories): .git'],
    },
    { code: 'git_push_rejected', retryable: false, stderr: [' ! [rejected]        x -> x (non-fast-forward)'] },
    { code: 'git_identity_missing', retryable: false, stderr: ['*** Please tell me who you are.'] },
  ])('classifies as $code (retryable: $retryable)', ({ code, retryable, stderr }) => {
    const classes = stderr.map((text) => ({ stderr: text, ...classifyGitFailure(text, { network: true }) }));
    expect(classes).toEqual(stderr.map((text) => ({ stderr: text, code, retryable })));
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
