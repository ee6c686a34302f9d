import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// The api serves dist/index.html at /console (and /) and every other file of dist/ under
// /console/static/, so the bundle's files sit at the root of dist/ and are addressed from there.
// `vite` (dev) proxies the api's paths to TASKSGODZILLA_API_BASE so the page stays same-origin.
const API_PATHS = [
  '/projects',
  '/protocols',
  '/steps',
  '/events',
  '/queues',
  '/codex',
  '/specs',
  '/health',
  '/metrics',
  '/openapi.json',
  '/webhooks',
];

export default defineConfig(({ command }) => {
  const target = process.env['TASKSGODZILLA_API_BASE'] ?? 'http://127.0.0.1:8010';
  return {
    base: '/console/static/',
    plugins: [react()],
    // Workspace packages resolve to their TypeScript sources, as in tests.
    resolve: { conditions: ['@tasksgodzilla/source', ...defaultClientConditions] },
    build: { outDir: 'dist', assetsDir: '', emptyOutDir: true, sourcemap: true },
    server:
      command === 'serve'
        ? { proxy: Object.fromEntries(API_PATHS.map((path) => [path, { target, changeOrigin: true }])) }
        : {},
  };
});
