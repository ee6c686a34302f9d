import type { JsonObject } from '@tasksgodzilla/core';
import { isEnvVariableName } from '@tasksgodzilla/platform-engines';

/** What a project gives its step processes on top of the engine allow-list. */
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
