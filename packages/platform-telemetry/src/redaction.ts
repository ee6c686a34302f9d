import type { Config } from '@tasksgodzilla/core';

// The redactor itself lives in core (engines and git use it too); re-exported for existing callers.
export { REDACTED_VALUE, createRedactor, jsonSecretValues } from '@tasksgodzilla/core';
export type { Redactor } from '@tasksgodzilla/core';

function userPassword(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : null;
  } catch {
    return null;
  }
}

/**
 * The secret values a process configuration knows: the api, webhook and project tokens, the forge
 * tokens, and the passwords (and whole URLs) of the database and Redis connections.
 */
export function configSecretValues(
  config: Partial<
    Pick<Config, 'apiToken' | 'webhookToken' | 'projectToken' | 'githubToken' | 'gitlabToken' | 'dbUrl' | 'redisUrl'>
  >,
): string[] {
  const values = [config.apiToken, config.webhookToken, config.projectToken, config.githubToken, config.gitlabToken];
  for (const url of [config.dbUrl, config.redisUrl]) {
    const password = userPassword(url);
    if (password) values.push(password, url);
  }
  return values.filter((value): value is string => typeof value === 'string');
}
