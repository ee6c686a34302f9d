import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { SqlDialect } from '../database.types.js';

// Frozen in time: never edit a migration that has shipped; add a new one. Migrations take
// Kysely<unknown> (not the app schema) so they never depend on today's table types.

export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const idType = dialect === 'postgres' ? 'serial' : 'integer';
  const realType = dialect === 'postgres' ? 'double precision' : 'real';
  const autoId = (col: ColumnDefinitionBuilder) =>
    dialect === 'postgres' ? col.primaryKey() : col.primaryKey().autoIncrement();

  await db.schema
    .createTable('projects')
    .addColumn('id', idType, autoId)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('git_url', 'text', (c) => c.notNull())
    .addColumn('base_branch', 'text', (c) => c.notNull())
    .addColumn('local_path', 'text')
    .addColumn('ci_provider', 'text')
    .addColumn('secrets', 'text')
    .addColumn('default_models', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('idx_projects_created').on('projects').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('protocol_runs')
    .addColumn('id', idType, autoId)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id'))
    .addColumn('protocol_name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('base_branch', 'text', (c) => c.notNull())
    .addColumn('branch_name', 'text')
    .addColumn('worktree_path', 'text')
    .addColumn('protocol_root', 'text')
    .addColumn('description', 'text')
    .addColumn('template_config', 'text')
    .addColumn('template_source', 'text')
    .addColumn('auto_advance', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('uq_protocol_runs_project_name', ['project_id', 'protocol_name'])
    .execute();
  await db.schema
    .createIndex('idx_protocol_runs_project')
    .on('protocol_runs')
    .columns(['project_id', 'created_at', 'id'])
    .execute();
  await db.schema.createIndex('idx_protocol_runs_branch').on('protocol_runs').column('branch_name').execute();
  await db.schema.createIndex('idx_protocol_runs_name').on('protocol_runs').column('protocol_name').execute();
  await db.schema
    .createIndex('idx_protocol_runs_status')
    .on('protocol_runs')
    .columns(['status', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('step_runs')
    .addColumn('id', idType, autoId)
    .addColumn('protocol_run_id', 'integer', (c) => c.notNull().references('protocol_runs.id'))
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('step_name', 'text', (c) => c.notNull())
    .addColumn('step_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('retries', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('model', 'text')
    .addColumn('engine_id', 'text')
    .addColumn('policy', 'text')
    .addColumn('runtime_state', 'text')
    .addColumn('summary', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('uq_step_runs_run_name', ['protocol_run_id', 'step_name'])
    .execute();
  await db.schema
    .createIndex('idx_step_runs_run_index')
    .on('step_runs')
    .columns(['protocol_run_id', 'step_index', 'id'])
    .execute();
  await db.schema
    .createIndex('idx_step_runs_run_updated')
    .on('step_runs')
    .columns(['protocol_run_id', 'updated_at', 'id'])
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('id', idType, autoId)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id'))
    .addColumn('protocol_run_id', 'integer', (c) => c.references('protocol_runs.id'))
    .addColumn('step_run_id', 'integer', (c) => c.references('step_runs.id'))
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text')
    .addColumn('request_id', 'text')
    .addColumn('job_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('idx_events_run').on('events').columns(['protocol_run_id', 'id']).execute();
  await db.schema.createIndex('idx_events_project').on('events').columns(['project_id', 'id']).execute();
  await db.schema.createIndex('idx_events_step').on('events').columns(['step_run_id', 'id']).execute();
  await db.schema.createIndex('idx_events_type').on('events').columns(['event_type', 'id']).execute();

  await db.schema
    .createTable('job_runs')
    .addColumn('run_id', 'text', (c) => c.primaryKey())
    .addColumn('job_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('queue', 'text', (c) => c.notNull().defaultTo('default'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull().defaultTo(3))
    .addColumn('params', 'text')
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('log_path', 'text')
    .addColumn('prompt_version', 'text')
    .addColumn('cost_tokens', 'integer')
    .addColumn('cost_cents', realType)
    .addColumn('project_id', 'integer')
    .addColumn('protocol_run_id', 'integer')
    .addColumn('step_run_id', 'integer')
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_at', 'text', (c) => c.notNull())
    .addColumn('timeout_seconds', 'integer')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('published_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema
    .createIndex('idx_job_runs_claim')
    .on('job_runs')
    .columns(['queue', 'status', 'run_at', 'priority'])
    .execute();
  await db.schema
    .createIndex('idx_job_runs_status')
    .on('job_runs')
    .columns(['status', 'created_at', 'run_id'])
    .execute();
  await db.schema
    .createIndex('idx_job_runs_type_status')
    .on('job_runs')
    .columns(['job_type', 'status', 'created_at'])
    .execute();
  await db.schema.createIndex('idx_job_runs_lease').on('job_runs').columns(['status', 'lease_expires_at']).execute();
  await db.schema.createIndex('idx_job_runs_created').on('job_runs').columns(['created_at', 'run_id']).execute();
  await db.schema.createIndex('idx_job_runs_project').on('job_runs').columns(['project_id', 'created_at']).execute();
  await db.schema
    .createIndex('idx_job_runs_protocol')
    .on('job_runs')
    .columns(['protocol_run_id', 'created_at'])
    .execute();
  await db.schema.createIndex('idx_job_runs_step').on('job_runs').columns(['step_run_id', 'created_at']).execute();
  await db.schema.createIndex('idx_job_runs_unpublished').on('job_runs').columns(['published_at', 'status']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['job_runs', 'events', 'step_runs', 'protocol_runs', 'projects']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
