import { EMPTY_AUTH, forgetLegacyTokens, loadAuth, saveAuth } from './auth-storage.js';

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

describe('auth storage', () => {
  it('keeps nothing unless "remember" is ticked', () => {
    const session = memoryStorage();
    saveAuth(session, { apiBase: '', token: 'secret', projectTokens: {}, remember: false });
    expect(session.items.size).toBe(0);
    expect(loadAuth(session)).toEqual(EMPTY_AUTH);
  });

  it('remembers base and tokens in the session storage given, and forgets them when unticked', () => {
    const session = memoryStorage();
    saveAuth(session, { apiBase: 'http://api', token: 'secret', projectTokens: { '3': 'p3' }, remember: true });
    expect(loadAuth(session)).toEqual({
      apiBase: 'http://api',
      token: 'secret',
      projectTokens: { '3': 'p3' },
      remember: true,
    });
    saveAuth(session, { ...loadAuth(session), remember: false });
    expect(session.items.size).toBe(0);
  });

  it('ignores damaged entries', () => {
    expect(loadAuth(memoryStorage({ tgz_console_auth: '{not json' }))).toEqual(EMPTY_AUTH);
    expect(loadAuth(memoryStorage({ tgz_console_auth: '{"token": 5, "projectTokens": {"1": 2}}' }))).toEqual({
      ...EMPTY_AUTH,
      remember: true,
    });
    expect(loadAuth(undefined)).toEqual(EMPTY_AUTH);
  });

  it('removes the plaintext tokens the original console left in localStorage', () => {
    const local = memoryStorage({ tgz_token: 't', df_token: 'd', tgz_project_tokens: '{}', unrelated: 'x' });
    forgetLegacyTokens(local);
    expect([...local.items.keys()]).toEqual(['unrelated']);
  });
});
