import type { Config } from '@tasksgodzilla/core';
import { createRuntimeCore } from './runtime-core.js';
import type { Runtime, RuntimeOverrides } from './runtime.types.js';
import { composeServices, type ComposedServices } from './services.js';

/**
 * The composition root: opens the database (SQLite at Config.dbPath, or PostgreSQL at Config.dbUrl)
 * and wires storage, queue, telemetry, engines, git and every service once. Nothing is migrated,
 * connected to Redis or started until `start()` / `createWorker()`; `close()` releases everything.
 */
export function createRuntime(config: Readonly<Config>, overrides: RuntimeOverrides = {}): Runtime {
  let composed: ComposedServices | undefined;
  const core = createRuntimeCore(config, overrides, (parts) => {
    composed = composeServices(config, overrides, parts);
    return composed.worker;
  });
  const { engines, git, services } = composed as ComposedServices;
  return { ...core, engines, git, services };
}
