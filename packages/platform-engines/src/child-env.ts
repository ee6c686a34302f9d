import {
  allowListedEnv,
  BASE_CHILD_ENV,
  createRedactor,
  isEnvVariableName,
  projectSecretValues,
  type JsonObject,
  type Redactor,
} from '@tasksgodzilla/core';

/**
 * The environment of every engine child process (shell blocks and agent CLIs alike) is built from
 * core's allow-list (`BASE_CHILD_ENV`, never `PROTECTED_CHILD_ENV` unless named) plus each engine's
 * documented variables, never inherited whole: the api's and worker's own tokens, database and
 * Redis URLs and forge tokens must not reach an agent that may be prompt-injected by the repository.
 */

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
 * Builds a child environment from the allow-list (core's `allowListedEnv`): inherited names matching
 * a base or engine pattern (unless protected), exact pass-through names (even protected ones), then
 * the caller's values.
 */
export function buildChildEnv(input: ChildEnvInput): Record<string, string> {
  return allowListedEnv({
    parent: input.parent,
    allow: (input.engineId ? ENGINE_CHILD_ENV[input.engineId] : undefined) ?? [],
    passthrough: input.passthrough ?? [],
    set: input.set ?? {},
  });
}

/** What a project gives its engine processes on top of the allow-list. */
export interface ProjectChildEnv {
  /** `secrets.env_passthrough`: names inherited from the worker's environment (protected ones too). */
  passEnv: string[];
  /** `secrets.env`: values set in the child's environment. */
  env: Record<string, string>;
}

/**
 * Reads a project's opt-in from its (server-side, redacted in responses) `secrets`:
 * `env_passthrough: ["NPM_TOKEN", "GITHUB_TOKEN"]` and `env: { "NAME": "value" }`. Entries that are
 * not plain variable names or string values are ignored.
 */
export function projectChildEnv(secrets: JsonObject | null | undefined): ProjectChildEnv {
  const passthrough = secrets?.['env_passthrough'];
  const values = secrets?.['env'];
  const passEnv = Array.isArray(passthrough)
    ? passthrough.filter((name): name is string => typeof name === 'string' && isEnvVariableName(name))
    : [];
  const env: Record<string, string> = {};
  if (values && typeof values === 'object' && !Array.isArray(values)) {
    for (const [name, value] of Object.entries(values)) {
      if (isEnvVariableName(name) && typeof value === 'string') env[name] = value;
    }
  }
  return { passEnv: [...new Set(passEnv)], env };
}

/** The request fields that keep one project's engine run apart from secrets. */
export interface ProjectEngineIsolation {
  /** The project's `secrets.env` values. */
  env: Record<string, string>;
  /** The project's `secrets.env_passthrough` names. */
  passEnv: string[];
  /** Redacts the config's secret values and every string value of the project's secrets. */
  redact: Redactor;
}

/**
 * What every engine run of a project (planning, decomposition, execution, QA and its checks) is
 * given: the project's opted-in environment and a redactor for the known secret values (the
 * config's `redactValues` plus the project's secrets, the pass-through names excepted), applied to
 * the run log and to what the run's answer is turned into.
 */
export function projectEngineIsolation(
  secrets: JsonObject | null | undefined,
  redactValues: readonly string[] = [],
): ProjectEngineIsolation {
  const { env, passEnv } = projectChildEnv(secrets);
  return { env, passEnv, redact: createRedactor([...redactValues, ...projectSecretValues(secrets)]) };
}
