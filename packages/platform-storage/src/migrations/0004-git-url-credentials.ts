import type { Kysely } from 'kysely';
import type { SqlDialect } from '../database.types.js';

// Frozen in time (see 0001): this copies, on purpose, what project creation did when it was written
// (platform-git's splitGitUrlCredentials) instead of importing it, so later changes there never
// rewrite history. Projects created before credentials were split out of `git_url` still store
// `https://user:token@host/…`: the credentials move to the `git_credentials` secret
// (`{ username, password }`, percent-decoded) and `git_url` keeps the bare URL.

const HTTP_USERINFO = /^(https?:\/\/)([^/?#]*)@/i;

interface ProjectRow {
  id: number | string;
  git_url: string;
  secrets: string | null;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    // Creation refused such a URL; here the row exists already, so its raw text is kept as the secret.
    return part;
  }
}

function parseSecrets(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  const typed = db as unknown as Kysely<{ projects: ProjectRow }>;
  const rows = await typed
    .selectFrom('projects')
    .select(['id', 'git_url', 'secrets'])
    .where('git_url', 'like', '%@%')
    .execute();
  for (const row of rows) {
    const match = HTTP_USERINFO.exec(row.git_url);
    if (!match) continue;
    const [whole, scheme, userinfo] = match as unknown as [string, string, string];
    const bare = `${scheme}${row.git_url.slice(whole.length)}`;
    const colon = userinfo.indexOf(':');
    const username = decode(colon < 0 ? userinfo : userinfo.slice(0, colon));
    const password = colon < 0 ? '' : decode(userinfo.slice(colon + 1));
    const secrets = parseSecrets(row.secrets);
    if (username || password) secrets['git_credentials'] = { username, password };
    await typed
      .updateTable('projects')
      .set({ git_url: bare, secrets: Object.keys(secrets).length > 0 ? JSON.stringify(secrets) : row.secrets })
      .where('id', '=', row.id)
      .execute();
  }
}

// No down: putting credentials back into the stored URL is what this migration exists to undo.
