import { join } from 'node:path';
import type { Event, Page } from '@tasksgodzilla/core';
import type { Storage } from '@tasksgodzilla/platform-storage';
import {
  createTempDir,
  createTestPostgresDatabase,
  createTestRepo,
  type TempDir,
  type TestPostgresDatabase,
  type TestRepo,
} from '@tasksgodzilla/testing';

export type TestDialect = 'sqlite' | 'postgres';

/** What a stack suite runs over: a temp folder, a repo with a bare origin in it, and on PostgreSQL a fresh database. */
export interface TestBed {
  dir: TempDir;
  /** `<dir>/git/repo` with its origin `<dir>/git/origin.git`. */
  repo: TestRepo;
  /** Set when the dialect is `postgres`. */
  database: TestPostgresDatabase | undefined;
  /** Drops the database and removes the folder. */
  dispose(): Promise<void>;
}

export async function createTestBed(options: {
  prefix: string;
  databasePrefix: string;
  dialect?: TestDialect | undefined;
}): Promise<TestBed> {
  const dir = createTempDir(options.prefix);
  const repo = createTestRepo(join(dir.path, 'git'));
  const database =
    options.dialect === 'postgres' ? await createTestPostgresDatabase(options.databasePrefix) : undefined;
  return {
    dir,
    repo,
    database,
    async dispose() {
      await database?.drop();
      dir.remove();
    },
  };
}

/** Every item of a cursor-paginated list, in the list's order. */
export async function collectPages<T>(list: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await list(cursor);
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

/** Events of a protocol run, oldest first. */
export async function runEvents(storage: Pick<Storage, 'events'>, runId: number): Promise<Event[]> {
  return (
    await collectPages((cursor) => storage.events.list({ protocol_run_id: runId }, { limit: 500, cursor }))
  ).reverse();
}
