/** What the console needs to call the api. Tokens live in memory unless the user ticks "remember". */
export interface AuthSettings {
  apiBase: string;
  token: string;
  /** Project id → X-Project-Token. */
  projectTokens: Record<string, string>;
  /** Keep these in sessionStorage (this tab, until it closes). Never localStorage. */
  remember: boolean;
}

export const EMPTY_AUTH: AuthSettings = { apiBase: '', token: '', projectTokens: {}, remember: false };

const KEY = 'tgz_console_auth';
/** Plaintext keys of the original console (and its predecessor); removed, never read. */
const LEGACY_KEYS = ['tgz_token', 'df_token', 'tgz_project_tokens', 'df_project_tokens', 'tgz_api_base', 'df_api_base'];

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.values(value).every((item) => typeof item === 'string');
}

/** The settings remembered in this tab's sessionStorage, or the empty settings. */
export function loadAuth(session: Pick<Storage, 'getItem'> | undefined): AuthSettings {
  const raw = session?.getItem(KEY);
  if (!raw) return EMPTY_AUTH;
  try {
    const value = JSON.parse(raw) as Partial<AuthSettings>;
    return {
      apiBase: typeof value.apiBase === 'string' ? value.apiBase : '',
      token: typeof value.token === 'string' ? value.token : '',
      projectTokens: isStringMap(value.projectTokens) ? value.projectTokens : {},
      remember: true,
    };
  } catch {
    return EMPTY_AUTH;
  }
}

/** Writes the settings to sessionStorage when `remember` is on, else forgets them there. */
export function saveAuth(session: Pick<Storage, 'setItem' | 'removeItem'> | undefined, settings: AuthSettings): void {
  if (!session) return;
  if (settings.remember)
    session.setItem(
      KEY,
      JSON.stringify({ apiBase: settings.apiBase, token: settings.token, projectTokens: settings.projectTokens }),
    );
  else session.removeItem(KEY);
}

/** Drops the plaintext tokens the original console left in localStorage. */
export function forgetLegacyTokens(local: Pick<Storage, 'removeItem'> | undefined): void {
  for (const key of LEGACY_KEYS) local?.removeItem(key);
}
