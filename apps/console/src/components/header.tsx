import { useState, type FormEvent } from 'react';
import type { AuthSettings } from '../lib/auth-storage.js';
import type { StatusLevel } from '../console-context.js';

export type LiveState = 'connecting' | 'live' | 'error' | 'off';

export interface StatusMessage {
  text: string;
  level: StatusLevel;
  /** Changes with every message, so a toast's fade starts over. */
  id: number;
}

const LIVE_LABEL: Record<LiveState, string> = {
  connecting: 'connecting…',
  live: 'live',
  error: 'disconnected',
  off: 'off',
};

/** Logo, api base and token (kept in memory; sessionStorage only with "remember"), status, live state. */
export function Header({
  auth,
  onUseToken,
  status,
  live,
}: {
  auth: AuthSettings;
  onUseToken(settings: AuthSettings): void;
  status: StatusMessage;
  live: LiveState;
}) {
  const [apiBase, setApiBase] = useState(auth.apiBase);
  const [token, setToken] = useState(auth.token);
  const [remember, setRemember] = useState(auth.remember);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onUseToken({ ...auth, apiBase: apiBase.trim(), token: token.trim(), remember });
  };
  return (
    <header className="app-header">
      <div className="brand">
        <span className="logo" aria-hidden="true">
          TG
        </span>
        <div>
          <h1>TasksGodzilla Console</h1>
          <p className="tagline">Protocols. Queues. QA. All in one viewport.</p>
        </div>
      </div>
      <form className="auth" onSubmit={submit} aria-label="API access">
        <input
          aria-label="API base"
          placeholder="API base (optional)"
          value={apiBase}
          onChange={(e) => setApiBase(e.target.value)}
        />
        <input
          aria-label="Bearer token"
          type="password"
          placeholder="Bearer token"
          autoComplete="off"
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
        <label className="check" title="Keep the api base and tokens in this tab's sessionStorage until it closes">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> remember
        </label>
        <button type="submit">Use token</button>
      </form>
      <div className="header-status">
        <span className={`live live-${live}`} data-testid="live-state" title="Live updates over the api's event stream">
          ● {LIVE_LABEL[live]}
        </span>
        <span key={status.id} className={`status status-${status.level}`} role="status" data-testid="status">
          {status.text}
        </span>
      </div>
    </header>
  );
}
