import { ValidationError, type JsonObject } from '@tasksgodzilla/core';

/**
 * The key of a project's `secrets` that holds the credentials split out of an https `git_url`
 * (`https://user:token@host/…`): `{ username, password }`. The api shows it as `***` like every secret.
 */
export const GIT_CREDENTIALS_SECRET = 'git_credentials';

/** HTTP(S) credentials for a git remote. `password` is '' when the URL carried a bare token (`https://token@host`). */
export interface GitCredentials {
  username: string;
  password: string;
}

/** The credentials for a remote URL (the bare URL git talks to), or null when none are known. */
export type GitCredentialsResolver = (remoteUrl: string) => Promise<GitCredentials | null>;

/** Environment variables that carry the credentials to the helper below (never argv, never a URL). */
export const GIT_USERNAME_ENV = 'TASKSGODZILLA_GIT_USERNAME';
export const GIT_PASSWORD_ENV = 'TASKSGODZILLA_GIT_PASSWORD';

// Answers git's `get` with the two variables above; `store`/`erase` are ignored.
const HELPER = `!f() { test "$1" = get || exit 0; printf 'username=%s\\npassword=%s\\n' "$${GIT_USERNAME_ENV}" "$${GIT_PASSWORD_ENV}"; }; f`;

const HTTP_USERINFO = /^(https?:\/\/)([^/?#]*)@/i;

function decode(part: string, field: string): string {
  let value: string;
  try {
    value = decodeURIComponent(part);
  } catch {
    throw new ValidationError(`Invalid ${field}: malformed percent-encoding in its credentials`, [
      { path: [field], message: 'malformed percent-encoding in the credentials' },
    ]);
  }
  if ([...value].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)) {
    throw new ValidationError(`Invalid ${field}: its credentials contain control characters`, [
      { path: [field], message: 'credentials must not contain control characters' },
    ]);
  }
  return value;
}

/**
 * Splits the userinfo out of an http(s) URL: `https://user:token@host/x.git` gives the bare
 * `https://host/x.git` and `{ username: 'user', password: 'token' }` (percent-decoded). Other URLs
 * (ssh, scp-like, local paths; an ssh user is no secret) come back unchanged with no credentials.
 */
export function splitGitUrlCredentials(
  url: string,
  field = 'git_url',
): { url: string; credentials: GitCredentials | null } {
  const match = HTTP_USERINFO.exec(url);
  if (!match) return { url, credentials: null };
  const [whole, scheme, userinfo] = match as unknown as [string, string, string];
  const bare = `${scheme}${url.slice(whole.length)}`;
  const colon = userinfo.indexOf(':');
  const username = decode(colon < 0 ? userinfo : userinfo.slice(0, colon), field);
  const password = colon < 0 ? '' : decode(userinfo.slice(colon + 1), field);
  return { url: bare, credentials: username || password ? { username, password } : null };
}

/** The `git_credentials` secret of a project, when it is well formed. */
export function gitCredentialsOf(secrets: JsonObject | null | undefined): GitCredentials | null {
  const value = secrets?.[GIT_CREDENTIALS_SECRET];
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const { username, password } = value as JsonObject;
  if (typeof username !== 'string' || typeof password !== 'string') return null;
  return { username, password };
}

/**
 * The environment of one git invocation that talks to a credentialed remote: earlier credential
 * helpers are reset and a helper answers from two variables of this environment, so the
 * credentials are never in argv, in a URL, in `.git/config` or in the origin git stores. (Hooks,
 * which would inherit the variables, are off for every git call of the service.)
 */
export function gitCredentialsEnv(credentials: GitCredentials): Record<string, string> {
  return {
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: 'credential.helper',
    GIT_CONFIG_VALUE_0: '',
    GIT_CONFIG_KEY_1: 'credential.helper',
    GIT_CONFIG_VALUE_1: HELPER,
    [GIT_USERNAME_ENV]: credentials.username,
    [GIT_PASSWORD_ENV]: credentials.password,
  };
}
