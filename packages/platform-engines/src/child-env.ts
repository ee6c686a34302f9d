/**
 * The environment of every engine child process (shell blocks and agent CLIs alike) is built from
 * an allow-list, never inherited whole: the api's and worker's own tokens, database and Redis URLs
 * and forge tokens must not reach an agent that may be prompt-injected by the repository it edits.
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
 * What each engine CLI documents it needs, its own credential only: Claude Code's Anthropic key and
 * endpoint, Codex's OpenAI key and home, opencode's own variables and XDG folders. The shell engine
 * needs nothing more than the base.
 */
export const ENGINE_CHILD_ENV: Readonly<Record<string, readonly string[]>> = {
  'claude-code': [
    'ANTHROPIC_API_KEY',
    'ANTHROPIC_AUTH_TOKEN',
    'ANTHROPIC_BASE_URL',
    'ANTHROPIC_MODEL',
    'CLAUDE_CONFIG_DIR',
    'CLAUDE_CODE_*',
  ],
  codex: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'CODEX_HOME'],
  opencode: ['OPENCODE_*', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'XDG_CACHE_HOME'],
  shell: [],
};

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

export interface ChildEnvInput {
  /** The parent's environment (the runner passes `process.env`). */
  parent: Readonly<Record<string, string | undefined>>;
  /** Engine id whose documented variables are inherited (`ENGINE_CHILD_ENV`); none for unknown ids. */
  engineId?: string | null;
  /**
   * Extra names inherited from the parent, each named explicitly (no prefixes): the project's
   * opt-in list. This is the only way a protected variable reaches a child.
   */
  passthrough?: readonly string[];
  /** Values set by the caller (engine invocation, request env); they win over inherited ones. */
  set?: Readonly<Record<string, string | undefined>>;
}

/** The allow-list for one engine: base, the engine's documented variables, the explicit pass-through names. */
export function childEnvAllowList(engineId?: string | null, passthrough: readonly string[] = []): string[] {
  return [
    ...BASE_CHILD_ENV,
    ...((engineId ? ENGINE_CHILD_ENV[engineId] : undefined) ?? []),
    ...passthrough.filter(isEnvVariableName),
  ];
}

/**
 * Builds a child environment from the allow-list: inherited names matching a base or engine pattern
 * (unless protected), exact pass-through names (even protected ones), then the caller's values.
 */
export function buildChildEnv(input: ChildEnvInput): Record<string, string> {
  const patterns = childEnvAllowList(input.engineId);
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
