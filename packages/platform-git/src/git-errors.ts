import { GitError, redactUrlCredentials } from '@tasksgodzilla/core';

export interface GitFailureClass {
  code: string;
  retryable: boolean;
}

// Checked in order: the first match wins, so permanent causes come before the generic network ones
// ("Could not read from remote repository" follows both a bad key and a dropped connection).
const RULES: { pattern: RegExp; code: string; retryable: boolean }[] = [
  {
    pattern: /please tell me who you are|unable to auto-detect email address|empty ident name/i,
    code: 'git_identity_missing',
    retryable: false,
  },
  {
    pattern:
      /permission denied \(publickey|authentication failed|could not read username|could not read password|invalid username or password|access denied|403 forbidden|returned error: 40[13]/i,
    code: 'git_auth_failed',
    retryable: false,
  },
  { pattern: /permission denied/i, code: 'git_permission_denied', retryable: false },
  {
    pattern:
      /repository .*not found|repository '.*' does not exist|does not appear to be a git repository|returned error: 404/i,
    code: 'git_repo_not_found',
    retryable: false,
  },
  { pattern: /not a git repository/i, code: 'git_not_a_repository', retryable: false },
  {
    pattern:
      /couldn't find remote ref|not a valid (object name|ref|branch name)|invalid reference|unknown revision|bad revision|ambiguous argument|not a commit|invalid refspec|remote ref does not exist|unable to delete .*: remote ref/i,
    code: 'git_bad_ref',
    retryable: false,
  },
  {
    pattern: /already exists|already checked out|is already used by worktree|already registered/i,
    code: 'git_already_exists',
    retryable: false,
  },
  {
    pattern: /\[rejected\]|non-fast-forward|failed to push some refs|protected branch|pre-receive hook declined/i,
    code: 'git_push_rejected',
    retryable: false,
  },
  { pattern: /conflict|needs merge|you have unmerged paths/i, code: 'git_conflict', retryable: false },
  {
    pattern: /index\.lock|\.lock': file exists|another git process|cannot lock ref|unable to lock/i,
    code: 'git_locked',
    retryable: true,
  },
  {
    pattern:
      /could not resolve host|could not resolve hostname|connection (timed out|refused|reset|closed)|operation timed out|network is unreachable|no route to host|the remote end hung up|early eof|rpc failed|unable to access|\b(ssl|tls|gnutls)\b|could not read from remote repository|temporary failure|\b(429|502|503|504)\b/i,
    code: 'git_network',
    retryable: true,
  },
];

/** Decides code and retryability of a failed git command from its stderr. */
export function classifyGitFailure(stderr: string, options: { network: boolean }): GitFailureClass {
  for (const rule of RULES) {
    if (rule.pattern.test(stderr)) return { code: rule.code, retryable: rule.retryable };
  }
  // An unexplained failure of a command that talks to a remote is most likely transient; a local one is not.
  return { code: 'git_failed', retryable: options.network };
}

/** Hides credentials embedded in URLs (`https://user:token@host/...`): core's redactUrlCredentials. */
export const redactCredentials: (text: string) => string = redactUrlCredentials;

export interface CommandFailure {
  binary: string;
  args: string[];
  cwd: string | undefined;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  notFound: boolean;
  cwdMissing?: boolean;
  network: boolean;
  cause?: unknown;
}

/** Builds the GitError for a failed command: stderr in the message and the details, secrets redacted. */
export function gitCommandError(failure: CommandFailure): GitError {
  const command = redactCredentials([failure.binary, ...failure.args].join(' '));
  const stderr = redactCredentials(failure.stderr.trim());
  const details = {
    command: [failure.binary, ...failure.args].map(redactCredentials),
    cwd: failure.cwd,
    exitCode: failure.exitCode,
    signal: failure.signal,
    stderr,
    stdout: redactCredentials(failure.stdout.trim().slice(0, 4000)),
  };
  if (failure.notFound) {
    return new GitError(`${failure.binary} not found: is it installed and on PATH?`, {
      code: 'git_binary_not_found',
      retryable: false,
      details,
      cause: failure.cause,
    });
  }
  if (failure.cwdMissing) {
    return new GitError(`${command} failed: directory ${failure.cwd ?? ''} does not exist`, {
      code: 'git_path_missing',
      retryable: false,
      details,
      cause: failure.cause,
    });
  }
  if (failure.timedOut) {
    return new GitError(`${command} timed out`, {
      code: 'git_timeout',
      retryable: true,
      details,
      cause: failure.cause,
    });
  }
  const { code, retryable } = classifyGitFailure(failure.stderr, { network: failure.network });
  const status = failure.exitCode === null ? `signal ${failure.signal ?? 'unknown'}` : `exit ${failure.exitCode}`;
  const message = stderr ? `${command} failed (${status}): ${stderr}` : `${command} failed (${status})`;
  return new GitError(message, { code, retryable, details, cause: failure.cause });
}
