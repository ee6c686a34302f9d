import { readFile, realpath } from 'node:fs/promises';
import { extname } from 'node:path';
import type { FastifyReply } from 'fastify';
import { apiContract } from '@tasksgodzilla/api-contract';
import type { RouteApi, ApiDeps } from '../api.types.js';
import { confinedPath } from '../http/confined-path.js';
import { routeSchema } from '../http/route-schema.js';
import { HttpError } from '../http/http-errors.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** A file of the console folder, never outside it (symlinks included), or 404. */
async function sendConsoleFile(reply: FastifyReply, root: string, file: string): Promise<FastifyReply> {
  const notFound = new HttpError(404, 'Console assets not available', 'not_found');
  const base = await realpath(root).catch(() => null);
  if (!base) throw notFound;
  const target = confinedPath(base, file);
  if (!target || target === base) throw notFound;
  const body = await readFile(target).catch(() => null);
  if (!body) throw notFound;
  return reply.type(CONTENT_TYPES[extname(target).toLowerCase()] ?? 'application/octet-stream').send(body);
}

/**
 * The web console: `index.html` at `/` and `/console`, assets under `/console/static/`, from a
 * configurable folder (the app's `public/` by default; a built console later). No auth, as the
 * original: the page holds no data, the api calls it makes do.
 */
export type ConsoleRouteDeps = Pick<ApiDeps, 'options'>;

export function registerConsoleRoutes(app: RouteApi, { options }: ConsoleRouteDeps): void {
  const page = (route: typeof apiContract.consoleRoot | typeof apiContract.consolePage) => ({
    config: { auth: 'none' as const },
    schema: routeSchema(route),
  });
  app.get('/', page(apiContract.consoleRoot), (_request, reply) =>
    sendConsoleFile(reply, options.consoleDir, 'index.html'),
  );
  app.get('/console', page(apiContract.consolePage), (_request, reply) =>
    sendConsoleFile(reply, options.consoleDir, 'index.html'),
  );
  app.get(
    '/console/static/*',
    {
      config: { auth: 'none' },
      schema: routeSchema(apiContract.consoleAsset),
    },
    (request, reply) => sendConsoleFile(reply, options.consoleDir, request.params['*']),
  );
}
