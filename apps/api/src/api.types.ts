import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Runtime } from '@tasksgodzilla/runtime';

/** How a route is authenticated: the global bearer token, nothing, or the webhook secret. */
export type RouteAuth = 'bearer' | 'none' | 'webhook';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Default `bearer`. */
    auth?: RouteAuth;
  }
}

export interface ApiOptions {
  /** Folder served at `/`, `/console` and `/console/static/*` (default: the app's `public/`). */
  consoleDir?: string;
  /** Comment lines sent on idle event streams (default 15 000 ms). */
  sseHeartbeatMs?: number;
  /** How often an event stream looks for events written by other processes (default 1 000 ms). */
  ssePollMs?: number;
}

export interface ResolvedApiOptions {
  consoleDir: string;
  sseHeartbeatMs: number;
  ssePollMs: number;
}

export type Api = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/** What every route module receives. */
export interface RouteContext {
  runtime: Runtime;
  options: ResolvedApiOptions;
}
