import type { Clock } from '@tasksgodzilla/core';
import type { Executor, SqlDialect } from '../database.types.js';
import type { Repositories } from './repositories.types.js';

// Placeholder until the repositories land (being written now); it fails loudly if used.
export function createRepositories(_executor: Executor, _dialect: SqlDialect, _clock: Clock): Repositories {
  return new Proxy({} as Repositories, {
    get(_target, key) {
      throw new Error(`repository ${String(key)} is not written yet`);
    },
  });
}
