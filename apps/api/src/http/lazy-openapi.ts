import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import type { RouteApi } from '../api.types.js';

/** `@fastify/swagger`'s document function: the OpenAPI object, or its YAML text. */
export type SwaggerDocument = FastifyInstance['swagger'];

/** What the OpenAPI document reads of a route (what `@fastify/swagger` reads of its route options). */
type RecordedRoute = Pick<RouteOptions, 'method' | 'url' | 'schema' | 'config'>;

export interface LazyOpenApi {
  /** Builds the document function on the first call (later calls share it); the api must be ready. */
  load(): Promise<SwaggerDocument>;
  /** Closes the instance the document was built in, if it was. */
  close(): Promise<void>;
}

/**
 * The api's OpenAPI document, built on its first request instead of at start (issue 12: `@fastify/swagger`
 * and its YAML library were a large share of the api's start). Every route of `app` is recorded as it is
 * registered (the route options object itself, so the contract schema set by a later `onRoute` hook is the
 * one read); the first `load()` registers `@fastify/swagger` with `swaggerOptions` in a small fastify
 * instance of its own (`instanceOptions`: the api's compilers), adds the recorded routes to it with a
 * handler that is never called, and returns its document function, which caches the document as before.
 */
export function recordOpenApi(
  app: RouteApi,
  swaggerOptions: FastifyDynamicSwaggerOptions,
  instanceOptions: FastifyServerOptions,
): LazyOpenApi {
  const routes: RecordedRoute[] = [];
  // The routes @fastify/swagger kept: every one but the HEAD twins fastify adds to GET routes.
  app.addHook('onRoute', (route) => {
    if (route.method !== 'HEAD') routes.push(route);
  });
  let building: Promise<{ instance: FastifyInstance; swagger: SwaggerDocument }> | null = null;
  const build = async () => {
    const { default: fastifySwagger } = await import('@fastify/swagger');
    const instance = Fastify({ ...instanceOptions, logger: false });
    try {
      await instance.register(fastifySwagger, swaggerOptions);
      const unused = async () => undefined;
      for (const { method, url, schema, config } of routes)
        instance.route({
          method,
          url,
          exposeHeadRoute: false,
          handler: unused,
          ...(schema ? { schema } : {}),
          ...(config ? { config } : {}),
        });
      await instance.ready();
    } catch (error) {
      await instance.close().catch(() => undefined);
      throw error;
    }
    return { instance, swagger: instance.swagger.bind(instance) as SwaggerDocument };
  };
  return {
    async load() {
      building ??= build().catch((error: unknown) => {
        building = null;
        throw error;
      });
      return (await building).swagger;
    },
    async close() {
      const built = building ? await building.catch(() => null) : null;
      await built?.instance.close();
    },
  };
}
