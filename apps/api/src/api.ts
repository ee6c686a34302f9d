import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import Fastify, { type FastifyServerOptions, type onRequestHookHandler, type RouteOptions } from 'fastify';
import { jsonSchemaTransform, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Runtime } from '@tasksgodzilla/runtime';
import type { Api, ApiDeps, ApiOptions, ResolvedApiOptions } from './api.types.js';
import { assertBearer } from './http/auth.js';
import { createEventStreams } from './http/event-stream.js';
import { HttpError, NOT_FOUND_BODY, toErrorBody } from './http/http-errors.js';
import { registerLazyDocs } from './http/lazy-docs.js';
import { recordOpenApi } from './http/lazy-openapi.js';
import { registerRequestContext, requestIdFor } from './http/request-context.js';
import { passThrough, takesInput, validateRequest } from './http/request-validation.js';
import { checkAnswers, useContractSchemas } from './http/route-schema.js';
import { registerCodexRunRoutes } from './routes/codex-runs.js';
import { registerConsoleRoutes } from './routes/console.js';
import { registerEventRoutes } from './routes/events.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerIssueRoutes } from './routes/issues.js';
import { registerMcpRoutes } from './routes/mcp.js';
import { registerProjectRoutes } from './routes/projects.js';
import { registerProjectWebhookRoutes } from './routes/project-webhooks.js';
import { registerProtocolRoutes } from './routes/protocols.js';
import { registerQueueRoutes } from './routes/queues.js';
import { registerSpecRoutes } from './routes/specs.js';
import { registerStepRoutes } from './routes/steps.js';
import { registerWebhookRoutes } from './routes/webhooks.js';

export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../public/', import.meta.url));
export const DEFAULT_SSE_HEARTBEAT_MS = 15_000;
export const DEFAULT_SSE_POLL_MS = 1_000;
export const API_TITLE = 'TasksGodzilla Orchestrator API';

function apiVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
      .version;
  } catch {
    return '0.0.0';
  }
}

export function resolveApiOptions(options: ApiOptions = {}): ResolvedApiOptions {
  return {
    consoleDir: options.consoleDir ?? DEFAULT_CONSOLE_DIR,
    sseHeartbeatMs: options.sseHeartbeatMs ?? DEFAULT_SSE_HEARTBEAT_MS,
    ssePollMs: options.ssePollMs ?? DEFAULT_SSE_POLL_MS,
  };
}

type ValidatorFactory = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']
>;

/**
 * Fastify's compilers: requests are validated by validateRequest (zod), answers by JSON.stringify. Given
 * as factories, not set after construction: fastify then never loads its default ones (ajv, ajv-formats,
 * fast-json-stringify), which were a sixth of the api's start (issue 12).
 */
const COMPILERS: Pick<FastifyServerOptions, 'schemaController'> = {
  schemaController: {
    compilersFactory: {
      // fastify calls what the compiler returns with the data and reads `{ value }` (typed for ajv's functions).
      buildValidator: (() => () => passThrough) as unknown as ValidatorFactory,
      // Answers are serialized as they are (the routes' zod response schemas document them, they do not shape them).
      buildSerializer: () => () => (data: unknown) => JSON.stringify(data),
    },
  },
};

function openApiOptions(): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      info: {
        title: API_TITLE,
        version: apiVersion(),
        description: 'Orchestrates AI coding agents over git repositories.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'TASKSGODZILLA_API_TOKEN, when set' },
          projectToken: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Project-Token',
            description: "The project's secrets.api_token, when set",
          },
        },
      },
      security: [{ bearer: [], projectToken: [] }],
    },
    transform: jsonSchemaTransform,
  };
}

/** Routes of the docs UI are public like `/openapi.json`, `/health`, `/metrics` and the console. */
function authMode(route: RouteOptions): 'bearer' | 'none' | 'webhook' {
  const declared = (route.config as { auth?: 'bearer' | 'none' | 'webhook' } | undefined)?.auth;
  if (declared) return declared;
  if (route.url.startsWith('/docs')) return 'none';
  return 'bearer';
}

/**
 * The HTTP api over a runtime: every endpoint of the original (reference §1) plus the event stream,
 * step log/diff, queue job actions and usage. Returns a ready fastify instance (use `inject` in tests,
 * `listen` to serve). Closing it ends open event streams; the runtime is the caller's to close.
 */
export async function buildApi(runtime: Runtime, options: ApiOptions = {}): Promise<Api> {
  const config = runtime.config;
  const resolved = resolveApiOptions(options);
  const streams = createEventStreams(runtime);
  const app = Fastify({
    logger: false,
    bodyLimit: config.maxBodyBytes,
    genReqId: requestIdFor,
    return503OnClosing: true,
    ...COMPILERS,
  }).withTypeProvider<ZodTypeProvider>();

  // An empty JSON body is no body (action routes take none); invalid JSON is a 400 that says why.
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    defaultJson(request, text, (error, value) => {
      if (!error) return done(null, value);
      let reason = error.message;
      try {
        JSON.parse(text);
      } catch (syntax) {
        reason = (syntax as Error).message;
      }
      done(new HttpError(400, `Invalid JSON body: ${reason}`, 'invalid_json'), undefined);
    });
  });

  registerRequestContext(app, { logger: runtime.logger, metrics: runtime.metrics });
  // The bearer check is a hook of the routes that need it, decided once per route (public routes and
  // 404s run none), and a callback hook, not an async one: no promise per request.
  const apiToken = config.apiToken;
  const checkBearer: onRequestHookHandler = (request, _reply, done) => {
    try {
      assertBearer(request, apiToken);
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  };
  app.addHook('onRoute', (route) => {
    if (!apiToken || authMode(route) !== 'bearer') return;
    const hooks = route.onRequest === undefined ? [] : [route.onRequest].flat();
    if (!hooks.includes(checkBearer)) route.onRequest = [...hooks, checkBearer];
  });
  app.addHook('preClose', async () => {
    streams.close();
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorBody(error, { maxBodyBytes: config.maxBodyBytes });
    if (status >= 500)
      runtime.logger.error(
        { err: error, request_id: request.id, path: request.url.split('?')[0], method: request.method },
        'request failed',
      );
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(NOT_FOUND_BODY));

  // The OpenAPI document is built on its first request (issue 12), from the routes recorded here.
  const openApi = recordOpenApi(app, openApiOptions(), COMPILERS);
  app.addHook('onClose', async () => openApi.close());

  // The routes' dependencies: each route module takes the part it declares, never the runtime.
  const deps: ApiDeps = {
    orchestrator: runtime.services.orchestrator,
    reads: runtime.services.reads,
    queue: runtime.queue,
    git: runtime.git,
    config,
    metrics: runtime.metrics,
    logger: runtime.logger,
    health: () => runtime.health(),
    streamEvents: (request, reply, streamOptions) => streams.open(request, reply, streamOptions),
    options: resolved,
  };
  useContractSchemas(app);
  // After the contract's schemas are set. Only routes that take path params, a query, headers or a body run the validation hook (not /health).
  app.addHook('onRoute', (route) => {
    if (!takesInput(route.schema)) return;
    const hooks = route.preValidation === undefined ? [] : [route.preValidation].flat();
    if (!hooks.includes(validateRequest)) route.preValidation = [...hooks, validateRequest];
  });
  if (options.onContractViolation) checkAnswers(app, options.onContractViolation);
  app.get('/openapi.json', { config: { auth: 'none' }, schema: { hide: true } }, async () => (await openApi.load())());
  // The Swagger UI: its libraries load on the first /docs request, not at start (issue 12).
  registerLazyDocs(app, '/docs', openApi);
  registerHealthRoutes(app, deps);
  registerConsoleRoutes(app, deps);
  registerProjectRoutes(app, deps);
  registerProjectWebhookRoutes(app, deps);
  registerProtocolRoutes(app, deps);
  registerStepRoutes(app, deps);
  registerEventRoutes(app, deps);
  registerQueueRoutes(app, deps);
  registerCodexRunRoutes(app, deps);
  registerSpecRoutes(app, deps);
  registerIssueRoutes(app, deps);
  registerWebhookRoutes(app, deps);
  registerMcpRoutes(app);

  await app.ready();
  return app;
}
