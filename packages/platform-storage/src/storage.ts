import type { Clock } from '@tasksgodzilla/core';
import { systemClock } from '@tasksgodzilla/core';
import type { DatabaseHandle, Executor, SqlDialect } from './database.types.js';
import { createRepositories } from './repositories/index.js';
import type { Repositories } from './repositories/repositories.types.js';

/** Repositories bound to one open transaction, plus hooks to run once it commits. */
export interface StorageTx extends Repositories {
  readonly executor: Executor;
  readonly dialect: SqlDialect;
  readonly clock: Clock;
  /** Runs `fn` after the outermost transaction commits (never if it rolls back). Errors are reported to onAfterCommitError. */
  afterCommit(fn: () => void | Promise<void>): void;
  /** Nested call: runs in this same transaction. */
  transaction<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T>;
}

export interface Storage extends Repositories {
  readonly handle: DatabaseHandle;
  readonly executor: Executor;
  readonly dialect: SqlDialect;
  readonly clock: Clock;
  /** Runs `fn` in one transaction: every repository write and queue enqueue made through `tx` commits or rolls back together. */
  transaction<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T>;
}

export interface StorageOptions {
  clock?: Clock;
  /** Called when an afterCommit hook throws (the transaction is already committed). */
  onAfterCommitError?: (error: unknown) => void;
}

export function createStorage(handle: DatabaseHandle, options: StorageOptions = {}): Storage {
  const clock = options.clock ?? systemClock;
  const dialect = handle.dialect;
  const onHookError = options.onAfterCommitError ?? (() => undefined);

  const transaction = async <T>(fn: (tx: StorageTx) => Promise<T>): Promise<T> => {
    const hooks: (() => void | Promise<void>)[] = [];
    const result = await handle.db.transaction().execute(async (trx) => {
      // Object.assign keeps the repositories' lazy getters (a spread would build every one).
      const tx: StorageTx = Object.assign(createRepositories(trx, dialect, clock), {
        executor: trx,
        dialect,
        clock,
        afterCommit: (hook: () => void | Promise<void>) => {
          hooks.push(hook);
        },
        transaction: <U>(inner: (tx: StorageTx) => Promise<U>) => inner(tx),
      });
      return fn(tx);
    });
    for (const hook of hooks) {
      try {
        await hook();
      } catch (error) {
        onHookError(error);
      }
    }
    return result;
  };

  return Object.assign(createRepositories(handle.db, dialect, clock), {
    handle,
    executor: handle.db,
    dialect,
    clock,
    transaction,
  });
}
