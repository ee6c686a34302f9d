import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ContractViolationError } from '@tasksgodzilla/api-contract';
import type { Config } from '@tasksgodzilla/core';
import type { JobQueue } from '@tasksgodzilla/platform-queue';
import type { Logger, Metrics } from '@tasksgodzilla/platform-telemetry';
import type { HealthReport, OrchestratorReadModels, OrchestratorService, Runtime } from '@tasksgodzilla/runtime';
import type { EventStreamOptions } from './http/event-stream.js';

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
  /**
   * Checks every JSON answer against the api contract and reports each mismatch here (the answer is
   * sent unchanged). Test suites set it; off by default.
   */
  onContractViolation?: (error: ContractViolationError) => void;
}

export interface ResolvedApiOptions {
  consoleDir: string;
  sseHeartbeatMs: number;
  ssePollMs: number;
}

/**
 * What buildApi returns and `ApiServer.app` is: a fastify instance. Its routes are registered on the
 * same instance typed with the zod type provider (`RouteApi`), which stays out of the published
 * declarations: fastify-type-provider-zod's own `.d.ts` imports a fastify path fastify does not export,
 * so a consumer type-checking libraries (`skipLibCheck: false`) could not import this package.
 */
export type Api = FastifyInstance;

/** The instance the routes are registered on (internal: see Api). */
export type RouteApi = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/**
 * What the routes may use, built once from the runtime by buildApi. Each route module declares the
 * part it needs (`Pick<ApiDeps, …>`): commands go through the orchestrator, reads through its read
 * models; no route sees storage or writes events.
 */
export interface ApiDeps {
  orchestrator: OrchestratorService;
  reads: OrchestratorReadModels;
  queue: Pick<JobQueue, 'get' | 'list' | 'stats' | 'retry' | 'cancel'>;
  /** The runtime's git (its `showCommit` redacts the config's secrets). */
  git: Pick<Runtime['git'], 'resolveRepoPath' | 'showCommit'>;
  config: Pick<Config, 'runsDir' | 'webhookToken' | 'apiToken'>;
  metrics: Pick<Metrics, 'contentType' | 'text' | 'setQueueStats' | 'observeWebhook'>;
  logger: Pick<Logger, 'warn'>;
  health(): Promise<HealthReport>;
  /** Serves `GET /events/stream` on the hijacked reply until the client leaves or the api closes. */
  streamEvents(request: FastifyRequest, reply: FastifyReply, options: EventStreamOptions): Promise<void>;
  options: ResolvedApiOptions;
}

/** Which events a list or stream returns. */
export type EventFilter = NonNullable<Parameters<OrchestratorReadModels['events']>[0]>;

/** The reads of the request guards (existence, project token, scope). */
export type AccessReads = Pick<
  OrchestratorReadModels,
  'project' | 'protocolRun' | 'protocolRunWithProject' | 'step' | 'projects'
>;
