import type { Kysely } from 'kysely';
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
}

export interface DatabaseHandle {
  db: Executor;
  dialect: SqlDialect;
  /** Where the data lives, without credentials (for health output and logs). */
  location: string;
  /** Cheap liveness probe (`select 1`). */
  ping(): Promise<void>;
  /** Problems found by SQLite's `integrity_check` and `foreign_key_check` (empty: intact); PostgreSQL: none once it answers. */
  checkIntegrity(): Promise<string[]>;
  close(): Promise<void>;
}
