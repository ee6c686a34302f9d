import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteApi } from '../api.types.js';
import type { LazyOpenApi, SwaggerDocument } from './lazy-openapi.js';

/** Headers of the docs instance's answer that this server sets itself. */
const OWN_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date']);

/** The api's OpenAPI document as the `@fastify/swagger` plugin the docs UI declares it depends on. */
function openApiOf(swagger: SwaggerDocument) {
  const plugin = async (instance: FastifyInstance) => {
    instance.decorate('swagger', swagger);
  };
  // What fastify-plugin sets: no encapsulation, and the name the docs UI checks for.
  Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('plugin-meta')]: { name: '@fastify/swagger' },
  });
  return plugin;
}

/**
 * The Swagger UI at `prefix`, loaded on its first request instead of at start (issue 12:
 * `@fastify/swagger-ui` and its static file server are a large share of the api's start time). The UI
 * runs in a small fastify instance of its own that reads this api's OpenAPI document; requests under
 * `prefix` are passed to it with `inject` and its answers sent back as they are.
 */
export function registerLazyDocs(app: RouteApi, prefix: string, openApi: LazyOpenApi): void {
  let docs: Promise<FastifyInstance> | null = null;
  const load = async (): Promise<FastifyInstance> => {
    const [{ default: Fastify }, { default: swaggerUi }, swagger] = await Promise.all([
      import('fastify'),
      import('@fastify/swagger-ui'),
      openApi.load(),
    ]);
    const instance = Fastify({ logger: false });
    await instance.register(openApiOf(swagger));
    await instance.register(swaggerUi, { routePrefix: prefix });
    await instance.ready();
    return instance;
  };
  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    docs ??= load().catch((error: unknown) => {
      docs = null;
      throw error;
    });
    const answer = await (
      await docs
    ).inject({
      method: request.method === 'HEAD' ? 'HEAD' : 'GET',
      url: request.url,
      headers: request.headers,
    });
    reply.code(answer.statusCode);
    for (const [name, value] of Object.entries(answer.headers))
      if (value !== undefined && !OWN_HEADERS.has(name.toLowerCase())) reply.header(name, value);
    return reply.send(answer.rawPayload);
  };
  for (const url of [prefix, `${prefix}/*`])
    app.get(url, { config: { auth: 'none' }, schema: { hide: true } }, forward);
  app.addHook('onClose', async () => {
    const loaded = docs ? await docs.catch(() => null) : null;
    await loaded?.close();
  });
}
