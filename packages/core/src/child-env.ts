/**
 * The environment of a child process (engine CLIs, shell checks, git) is built from an allow-list,
 * never inherited whole: the api's and worker's own tokens, database and Redis URLs and forge tokens
 * must not reach a process that the repository it works on (or a prompt-injected agent) controls.
 *
 * A name ending in `*` is a prefix (`LC_*`).
 */

/** What every child gets from the parent: paths, user, terminal, locale, time zone, proxies, CA files. */
export const BASE_CHILD_ENV: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TMPDIR',
  'TMP',
  'TEMP',
  'TERM',
  'COLORTERM',
  'NO_COLOR',
  'LANG',
  'LANGUAGE',
  'LC_*',
  'TZ',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
];

/**
 * Never inherited by an allow-list pattern (a project must name them one by one to pass them):
 * TasksGodzilla's own settings and tokens, database and Redis URLs, forge tokens.
 */
export const PROTECTED_CHILD_ENV: readonly string[] = [
  'TASKSGODZILLA_*',
  'DATABASE_URL',
  'REDIS_URL',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GH_ENTERPRISE_TOKEN',
  'GITHUB_ENTERPRISE_TOKEN',
  'GITLAB_TOKEN',
  'GLAB_TOKEN',
  'CI_JOB_TOKEN',
];

function matches(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when `name` is a plain environment variable name (letters, digits, `_`, not starting with a digit). */
export function isEnvVariableName(name: string): boolean {
  return VARIABLE_NAME.test(name);
}

export interface AllowListedEnvInput {
  /** The parent's environment (callers pass `process.env` or an injected one). */
  parent: Readonly<Record<string, string | undefined>>;
  /** Names or `PREFIX*` patterns inherited unless protected; `BASE_CHILD_ENV` is always included. */
  allow?: readonly string[];
  /** Exact names inherited even when protected: an explicit opt-in (a project's pass-through list). */
  passthrough?: readonly string[];
  /** Values set by the caller; they win over inherited ones (`undefined` removes). */
  set?: Readonly<Record<string, string | undefined>>;
}

/**
 * Builds a child environment: inherited names matching `BASE_CHILD_ENV` or `allow` (unless
 * protected), exact pass-through names (even protected ones), then the caller's values.
 */
export function allowListedEnv(input: AllowListedEnvInput): Record<string, string> {
  const patterns = [...BASE_CHILD_ENV, ...(input.allow ?? [])];
  const explicit = new Set((input.passthrough ?? []).filter(isEnvVariableName));
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.parent)) {
    if (value === undefined) continue;
    const allowed =
      explicit.has(name) ||
      (patterns.some((pattern) => matches(pattern, name)) &&
        !PROTECTED_CHILD_ENV.some((pattern) => matches(pattern, name)));
    if (allowed) env[name] = value;
  }
  for (const [name, value] of Object.entries(input.set ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}
