import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// The api serves the built console at /console and its files under /console/static/, so the
// bundle lives in dist/ with its assets in dist/static/. `vite` (dev) proxies the api's paths to
// TASKSGODZILLA_API_BASE so the page stays same-origin, as it is in production.
const API_PATHS = ['/projects', '/protocols', '/steps', '/events', '/queues', '/codex', '/specs', '/health', '/metrics', '/openapi.json', '/webhooks'];

export default defineConfig(({ command }) => {
  const target = process.env['TASKSGODZILLA_API_BASE'] ?? 'http://127.0.0.1:8010';
  return {
    base: '/console/',
    plugins: [react()],
    // Workspace packages resolve to their TypeScript sources, as in tests.
    resolve: { conditions: ['@tasksgodzilla/source', ...defaultClientConditions] },
    build: { outDir: 'dist', assetsDir: 'static', emptyOutDir: true, sourcemap: true },
    server: command === 'serve' ? { proxy: Object.fromEntries(API_PATHS.map((path) => [path, { target, changeOrigin: true }])) } : {},
  };
});
