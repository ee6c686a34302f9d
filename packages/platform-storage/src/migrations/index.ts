import type { Migration, MigrationProvider } from 'kysely';
import type { SqlDialect } from '../database.types.js';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-webhook-deliveries.js';
import * as m0004 from './0004-git-url-credentials.js';
import * as m0005 from './0005-job-claim-order.js';
import * as m0006 from './0006-job-queue-counts.js';
import * as m0007 from './0007-project-webhooks.js';
import * as m0008 from './0008-issue-links.js';
import * as m0009 from './0009-job-partial-indexes.js';
import * as m0010 from './0010-job-idempotency-partial.js';
import * as m0011 from './0011-job-unpublished-index.js';

interface DialectMigration {
  up(db: Parameters<Migration['up']>[0], dialect: SqlDialect): Promise<void>;
  down?(db: Parameters<Migration['up']>[0], dialect: SqlDialect): Promise<void>;
}

/** The one migration history, in order. Append new migrations; never edit shipped ones. */
const MIGRATIONS: Record<string, DialectMigration> = {
  '0001-initial': m0001,
  '0002-webhook-deliveries': m0002,
  '0004-git-url-credentials': m0004,
  '0005-job-claim-order': m0005,
  '0006-job-queue-counts': m0006,
  '0007-project-webhooks': m0007,
  '0008-issue-links': m0008,
  '0009-job-partial-indexes': m0009,
  '0010-job-idempotency-partial': m0010,
  '0011-job-unpublished-index': m0011,
};

export function createMigrationProvider(dialect: SqlDialect): MigrationProvider {
  return {
    async getMigrations() {
      return Object.fromEntries(
        Object.entries(MIGRATIONS).map(([name, { up, down }]) => [
          name,
          { up: (db) => up(db, dialect), down: down ? (db) => down(db, dialect) : undefined } satisfies Migration,
        ]),
      );
    },
  };
}

export const MIGRATION_NAMES = Object.keys(MIGRATIONS);
