import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { SqlDialect } from '../database.types.js';

// Frozen in time (see 0001). Issues in (issue 14): the forge issue a protocol run was opened from
// (one run per issue and project, so a redelivered or re-labelled issue opens nothing twice; the id of
// the one status comment the run keeps editing), and each project's issue intake settings.

export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const idType = dialect === 'postgres' ? 'serial' : 'integer';
  const autoId = (col: ColumnDefinitionBuilder) =>
    dialect === 'postgres' ? col.primaryKey() : col.primaryKey().autoIncrement();
  await db.schema
    .createTable('issue_links')
    .addColumn('id', idType, autoId)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id'))
    .addColumn('protocol_run_id', 'integer', (c) => c.notNull().references('protocol_runs.id'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('repository', 'text', (c) => c.notNull())
    .addColumn('issue_number', 'integer', (c) => c.notNull())
    .addColumn('issue_url', 'text')
    .addColumn('comment_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('uq_issue_links_issue', ['project_id', 'provider', 'repository', 'issue_number'])
    .addUniqueConstraint('uq_issue_links_run', ['protocol_run_id'])
    .execute();

  await db.schema
    .createTable('project_issue_settings')
    .addColumn('project_id', 'integer', (c) => c.primaryKey().references('projects.id'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('auto_start', 'integer', (c) => c.notNull())
    .addColumn('auto_advance', 'integer', (c) => c.notNull())
    .addColumn('template', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('project_issue_settings').execute();
  await db.schema.dropTable('issue_links').execute();
}
