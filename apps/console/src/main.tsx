import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { forgetLegacyTokens, loadAuth } from './lib/auth-storage.js';
import './styles.css';

function storage(kind: 'sessionStorage' | 'localStorage'): Storage | undefined {
  try {
    return window[kind];
  } catch {
    return undefined;
  }
}

forgetLegacyTokens(storage('localStorage'));
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App initialAuth={loadAuth(storage('sessionStorage'))} />
    </StrictMode>,
  );
}
