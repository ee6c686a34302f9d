import type { Kysely } from 'kysely';
import type { Clock } from '@tasksgodzilla/core';
import type { DatabaseSchema } from './schema.js';

export type SqlDialect = 'sqlite' | 'postgres';

/** A Kysely handle on the TasksGodzilla schema: the database itself or an open transaction. */
export type Executor = Kysely<DatabaseSchema>;

export interface DatabaseOptions {
  /** PostgreSQL URL (`postgres://…`). When set, PostgreSQL is used. */
  url?: string;
  /** SQLite file path (used when `url` is not set). `:memory:` for an in-memory database. */
  path?: string;
  poolSize?: number;
  /** SQLite busy timeout in ms (default 5000). */
  busyTimeoutMs?: number;
  /** SQLite: `ping()` fails ("the database is full") below this much free space on the file's file system (default 1 MiB). */
  minFreeBytes?: number;
  /** SQLite: how long `ping()` reuses a space check that found room (default SPACE_CHECK_MAX_AGE_MS). */
  spaceCheckMaxAgeMs?: number;
  /** Reads the time for that reuse (default the system clock). */
  clock?: Clock;
}

export interface DatabaseHandle {
  db: Executor;
  dialect: SqlDialect;
  /** Where the data lives, without credentials (for health output and logs). */
  location: string;
  /** Cheap liveness probe (`select 1`); on SQLite it also fails when the database is full (page limit or disk), that check reused for `spaceCheckMaxAgeMs` while it finds room. */
  ping(): Promise<void>;
  /** Problems found by SQLite's `integrity_check` and `foreign_key_check` (empty: intact); PostgreSQL: none once it answers. */
  checkIntegrity(): Promise<string[]>;
  close(): Promise<void>;
}
