import { join } from 'node:path';
import { createManualClock, type Page } from '@tasksgodzilla/core';
import {
  createTempDir,
  createTestPostgresDatabase,
  postgresAvailable,
  type TempDir,
  type TestPostgresDatabase,
} from '@tasksgodzilla/testing';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase } from '../database.js';
import type { DatabaseHandle, SqlDialect } from '../database.types.js';
import type { NewProject, NewProtocolRun, NewStepRun } from '../repositories/repositories.types.js';
import { createStorage, type Storage, type StorageOptions } from '../storage.js';

/** Every storage suite runs once per backend. */
export const BACKENDS: SqlDialect[] = ['sqlite', 'postgres'];

export const START = '2026-11-27T17:00:00.000Z';

export type ManualClock = ReturnType<typeof createManualClock>;

export interface TestStorage {
  storage: Storage;
  clock: ManualClock;
  handle: DatabaseHandle;
  dialect: SqlDialect;
  /** Errors reported by afterCommit hooks. */
  hookErrors: unknown[];
}

const TABLES = [
  'issue_links',
  'project_issue_settings',
  'webhook_notifications',
  'project_webhooks',
  'events',
  'job_runs',
  'step_runs',
  'protocol_runs',
  'projects',
];

async function emptyTables(handle: DatabaseHandle): Promise<void> {
  // DELETE rather than TRUNCATE: on a few rows it is much cheaper than TRUNCATE's lock and file swap.
  for (const table of TABLES) await sql.raw(`delete from ${table}`).execute(handle.db);
  if (handle.dialect === 'sqlite') {
    await sql.raw(`delete from sqlite_sequence`).execute(handle.db);
    return;
  }
  for (const table of TABLES.filter((t) => t !== 'job_runs' && t !== 'project_issue_settings')) {
    await sql`select setval(pg_get_serial_sequence(${table}, 'id'), 1, false)`.execute(handle.db);
  }
}

/**
 * One migrated database per suite (a SQLite temp file, or a fresh PostgreSQL database with a pool of
 * 8), emptied before each case (ids restart at 1) and dropped afterwards. The returned `it` runs the
 * case with the storage; PostgreSQL cases are skipped with a warning only when the server is
 * unreachable outside CI (postgresAvailable throws under CI=true, failing the suite).
 */
export function useTestStorage(dialect: SqlDialect, options: Omit<StorageOptions, 'clock'> = {}) {
  let ctx: TestStorage | undefined;
  let available = true;
  let dir: TempDir | undefined;
  let database: TestPostgresDatabase | undefined;

  beforeAll(async () => {
    let handle: DatabaseHandle;
    if (dialect === 'postgres') {
      available = await postgresAvailable();
      if (!available) return;
      database = await createTestPostgresDatabase('tgz_storage');
      handle = openDatabase({ url: database.url, poolSize: 8 });
    } else {
      dir = createTempDir('tgz-storage-');
      handle = openDatabase({ path: join(dir.path, 'test.sqlite') });
    }
    await migrateToLatest(handle);
    const clock = createManualClock(START);
    const hookErrors: unknown[] = [];
    const storage = createStorage(handle, { ...options, clock, onAfterCommitError: (error) => hookErrors.push(error) });
    ctx = { storage, clock, handle, dialect, hookErrors };
  });

  beforeEach(async () => {
    if (!ctx) return;
    await emptyTables(ctx.handle);
    ctx.clock.set(START);
    ctx.hookErrors.length = 0;
  });

  afterAll(async () => {
    await ctx?.handle.close();
    await database?.drop();
    dir?.remove();
  });

  const test = (name: string, fn: (t: TestStorage) => Promise<void>) =>
    it(name, async () => {
      if (!available) return;
      if (!ctx) throw new Error('test storage was not opened');
      await fn(ctx);
    });
  return { it: test };
}

/** Awaits a promise expected to reject and returns the error, for checks on its class, message and code. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the promise to reject');
}

/** Builders for the rows a case needs, with the required fields filled in. */
export const seed = {
  /** A project `name` with git_url `/tmp/<name>`, plus `extra`. */
  project(storage: Storage, name = 'demo', extra: Partial<NewProject> = {}) {
    return storage.projects.create({ name, git_url: `/tmp/${name}`, ...extra });
  },

  /** A protocol run `protocolName` on `main` in the project, plus `extra`. */
  protocolRun(storage: Storage, projectId: number, protocolName: string, extra: Partial<NewProtocolRun> = {}) {
    return storage.protocolRuns.create({
      project_id: projectId,
      protocol_name: protocolName,
      base_branch: 'main',
      ...extra,
    });
  },

  /** A project `demo` with the protocol run `name` in it. */
  async run(storage: Storage, name = '0001-demo') {
    const project = await seed.project(storage);
    return seed.protocolRun(storage, project.id, name);
  },

  /** A `work` step (unless `extra` says otherwise) at `stepIndex` in the run. */
  step(storage: Storage, runId: number, stepIndex: number, stepName: string, extra: Partial<NewStepRun> = {}) {
    return storage.stepRuns.create({
      protocol_run_id: runId,
      step_index: stepIndex,
      step_name: stepName,
      step_type: 'work',
      ...extra,
    });
  },
};

/** Follows `next_cursor` from the first page to the last, returning each page's items as labels. */
export async function collectPages<T>(
  list: (cursor: string | null) => Promise<Page<T>>,
  label: (item: T) => string,
): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await list(cursor);
    pages.push(page.items.map(label));
    cursor = page.next_cursor;
  } while (cursor);
  return pages;
}

/**
 * Applies `patch` through `update` and checks the row that comes back: `before` with the patch's keys
 * over it and `updated_at` moved to `updatedAt`. Returns that row.
 */
export async function expectPatched<P extends object, T extends { updated_at: string }>(
  update: (patch: P) => Promise<T>,
  before: T,
  patch: P,
  updatedAt: string,
): Promise<T> {
  const updated = await update(patch);
  expect(updated).toEqual({ ...before, ...patch, updated_at: updatedAt });
  return updated;
}

/**
 * An empty, unmigrated database for a migration spec (a SQLite temp file, or a fresh PostgreSQL
 * database), with its cleanup; null when PostgreSQL is unreachable outside CI (postgresAvailable
 * throws under CI=true).
 */
export async function openEmptyDatabase(
  dialect: SqlDialect,
): Promise<{ handle: DatabaseHandle; cleanup(): Promise<void> } | null> {
  if (dialect === 'postgres') {
    if (!(await postgresAvailable())) return null;
    const database = await createTestPostgresDatabase();
    const handle = openDatabase({ url: database.url });
    return { handle, cleanup: async () => (await handle.close(), await database.drop()) };
  }
  const dir = createTempDir('tgz-migration-');
  const handle = openDatabase({ path: `${dir.path}/db.sqlite` });
  return { handle, cleanup: async () => (await handle.close(), dir.remove()) };
}
