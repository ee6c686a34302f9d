import { EngineError, ValidationError } from '@tasksgodzilla/core';
import type { Engine } from './engine.types.js';

export interface EngineRegistry {
  /** The engine with this id; throws EngineError `engine_not_registered` when there is none. */
  get(id: string): Engine;
  has(id: string): boolean;
  /** Engines in registration order. */
  list(): Engine[];
  ids(): string[];
  /** The default engine: `defaultEngineId` when given, else the first one registered. */
  getDefault(): Engine;
}

export interface EngineRegistryOptions {
  /** Usually Config.defaultEngine. Must be one of the registered ids. */
  defaultEngineId?: string;
}

/** An immutable registry over the given engines. Create one per runtime; there is no global one. */
export function createEngineRegistry(engines: readonly Engine[], options: EngineRegistryOptions = {}): EngineRegistry {
  const byId = new Map<string, Engine>();
  for (const engine of engines) {
    if (byId.has(engine.id)) {
      throw new ValidationError(`Engine "${engine.id}" is registered twice`, [
        { path: ['engines', engine.id], message: 'duplicate engine id' },
      ]);
    }
    byId.set(engine.id, engine);
  }
  if (options.defaultEngineId !== undefined && !byId.has(options.defaultEngineId)) {
    throw new ValidationError(
      `Default engine "${options.defaultEngineId}" is not registered (registered: ${[...byId.keys()].join(', ') || 'none'})`,
      [{ path: ['defaultEngineId'], message: 'unknown engine id' }],
    );
  }
  const list = [...byId.values()];
  const get = (id: string): Engine => {
    const engine = byId.get(id);
    if (!engine) {
      throw new EngineError(`Engine "${id}" is not registered (registered: ${[...byId.keys()].join(', ') || 'none'})`, {
        code: 'engine_not_registered',
        retryable: false,
        details: { engine_id: id },
      });
    }
    return engine;
  };
  return {
    get,
    has: (id) => byId.has(id),
    list: () => [...list],
    ids: () => [...byId.keys()],
    getDefault: () => {
      const id = options.defaultEngineId ?? list[0]?.id;
      if (id === undefined) {
        throw new EngineError('No engine is registered', { code: 'engine_not_registered', retryable: false });
      }
      return get(id);
    },
  };
}
