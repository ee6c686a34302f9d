import {
  ConflictError,
  NotFoundError,
  PROTOCOL_STATUSES,
  PROTOCOL_TRANSITIONS,
  type JsonObject,
  type Project,
  type ProtocolRun,
  type ProtocolStatus,
} from '@tasksgodzilla/core';
import type { Selectable, Updateable } from 'kysely';
import { newestFirstPage } from '../pagination.js';
import { reusableQuery } from '../reusable-query.js';
import type { ProtocolRunsTable } from '../schema.js';
import { constraintViolation } from './db-errors.js';
import { toProject, toProtocolRun } from './mappers.js';
import { projectNotFound } from './projects.repository.js';
import { idFiltersValid, isRowId, nowIso, requireFound, type RepositoryContext } from './repository-context.js';
import type {
  NewProtocolRun,
  ProtocolRunListFilter,
  ProtocolRunPatch,
  ProtocolRunRepository,
  StatusTransition,
} from './repositories.types.js';
import { createRowWriter, statusTransition, type JsonColumn, type RowWriterSpec } from './row-writer.js';
import {
  optionalObjectText,
  optionalText,
  patchColumns,
  requireBoolean,
  requireOneOf,
  requireText,
  type PatchColumns,
} from './validation.js';

export function protocolRunNotFound(id: number): NotFoundError {
  return new NotFoundError(`ProtocolRun ${id} not found`, {
    code: 'protocol_run_not_found',
    details: { protocol_run_id: id },
  });
}

const PATCH_COLUMNS: PatchColumns<ProtocolRunPatch, Updateable<ProtocolRunsTable>> = {
  base_branch: requireText,
  branch_name: optionalText,
  worktree_path: optionalText,
  protocol_root: optionalText,
  description: optionalText,
  template_source: optionalObjectText,
  auto_advance: (field, value) => (requireBoolean(field, value) ? 1 : 0),
};

/** `refs/heads/feature/x` → `feature/x`; tags likewise. */
function stripRef(ref: string): string {
  return ref.trim().replace(/^refs\/(heads|tags)\//, '');
}

const TEMPLATE_CONFIG: JsonColumn<Selectable<ProtocolRunsTable>, Updateable<ProtocolRunsTable>> = {
  field: 'template_config',
  read: (row) => row.template_config,
  values: (text) => ({ template_config: text }),
};

const byId = reusableQuery((executor, [id]: [number], shape) =>
  executor
    .selectFrom('protocol_runs')
    .selectAll()
    .where('id', '=', id)
    .$if(shape === 'lock', (query) => query.forUpdate()),
);

// The project's columns under `project_`-prefixed names beside the run's own (both have `id`, `created_at`, …).
const withProject = reusableQuery((executor, [id]: [number]) =>
  executor
    .selectFrom('protocol_runs as r')
    .innerJoin('projects as p', 'p.id', 'r.project_id')
    .selectAll('r')
    .select([
      'p.name as project_name',
      'p.git_url as project_git_url',
      'p.base_branch as project_base_branch',
      'p.local_path as project_local_path',
      'p.ci_provider as project_ci_provider',
      'p.secrets as project_secrets',
      'p.default_models as project_default_models',
      'p.created_at as project_created_at',
      'p.updated_at as project_updated_at',
    ])
    .where('r.id', '=', id),
);

export function createProtocolRunRepository(ctx: RepositoryContext): ProtocolRunRepository {
  const { db, dialect } = ctx;

  const rows: RowWriterSpec<
    Selectable<ProtocolRunsTable>,
    ProtocolRun,
    ProtocolRunPatch,
    Updateable<ProtocolRunsTable>
  > = {
    ctx,
    update: (executor, id, values, move) =>
      executor
        .updateTable('protocol_runs')
        .set({ ...values, ...(move ? { status: move.to } : {}), updated_at: nowIso(ctx) })
        .where('id', '=', id)
        .$if(move !== undefined, (query) => query.where('status', 'in', move?.from ?? []))
        .returningAll()
        .executeTakeFirst(),
    select: (executor, id, lock) => byId.first(executor, [id], lock && dialect === 'postgres' ? 'lock' : ''),
    map: toProtocolRun,
    notFound: protocolRunNotFound,
    patchValues: (patch) => patchColumns(patch, PATCH_COLUMNS),
  };
  const { find, write, update, mergeJson } = createRowWriter(rows);
  const transition = statusTransition(rows, {
    kind: 'protocol',
    entity: 'ProtocolRun',
    statuses: PROTOCOL_STATUSES,
    table: PROTOCOL_TRANSITIONS,
  });

  return {
    async create(input: NewProtocolRun): Promise<ProtocolRun> {
      const now = nowIso(ctx);
      const values = {
        project_id: input.project_id,
        protocol_name: requireText('protocol_name', input.protocol_name),
        status: input.status === undefined ? 'pending' : requireOneOf('status', input.status, PROTOCOL_STATUSES),
        base_branch: requireText('base_branch', input.base_branch),
        branch_name: optionalText('branch_name', input.branch_name),
        worktree_path: optionalText('worktree_path', input.worktree_path),
        protocol_root: optionalText('protocol_root', input.protocol_root),
        description: optionalText('description', input.description),
        template_config: optionalObjectText('template_config', input.template_config),
        template_source: optionalObjectText('template_source', input.template_source),
        auto_advance: input.auto_advance === undefined ? 0 : requireBoolean('auto_advance', input.auto_advance) ? 1 : 0,
        created_at: now,
        updated_at: now,
      };
      if (!isRowId(input.project_id)) throw projectNotFound(input.project_id);
      try {
        const row = await db.insertInto('protocol_runs').values(values).returningAll().executeTakeFirstOrThrow();
        return toProtocolRun(row);
      } catch (error) {
        const violation = constraintViolation(error);
        if (violation?.kind === 'unique') {
          throw new ConflictError(
            `Protocol run '${values.protocol_name}' already exists in project ${values.project_id}`,
            {
              code: 'protocol_run_exists',
              details: { project_id: values.project_id, protocol_name: values.protocol_name },
              cause: error,
            },
          );
        }
        if (violation?.kind === 'foreign_key') throw projectNotFound(values.project_id);
        throw error;
      }
    },

    find,

    async findWithProject(id: number): Promise<{ run: ProtocolRun; project: Project } | null> {
      if (!isRowId(id)) return null;
      const row = await withProject.first(db, [id]);
      if (!row) return null;
      const project = toProject({
        id: row.project_id,
        name: row.project_name,
        git_url: row.project_git_url,
        base_branch: row.project_base_branch,
        local_path: row.project_local_path,
        ci_provider: row.project_ci_provider,
        secrets: row.project_secrets,
        default_models: row.project_default_models,
        created_at: row.project_created_at,
        updated_at: row.project_updated_at,
      });
      return { run: toProtocolRun(row), project };
    },

    get: requireFound(find, protocolRunNotFound),

    async findByName(projectId: number, protocolName: string): Promise<ProtocolRun | null> {
      if (!isRowId(projectId)) return null;
      const row = await db
        .selectFrom('protocol_runs')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('protocol_name', '=', protocolName)
        .executeTakeFirst();
      return row ? toProtocolRun(row) : null;
    },

    async findByBranch(branch: string, projectId?: number): Promise<ProtocolRun | null> {
      const ref = stripRef(branch);
      if (ref === '') return null;
      if (projectId !== undefined && !isRowId(projectId)) return null;
      const scoped = () => {
        const query = db.selectFrom('protocol_runs').selectAll();
        return projectId === undefined ? query : query.where('project_id', '=', projectId);
      };
      const byBranch = await scoped().where('branch_name', '=', ref).orderBy('id', 'asc').limit(1).executeTakeFirst();
      if (byBranch) return toProtocolRun(byBranch);
      const segment = ref.split('/').pop() ?? ref;
      // The full ref wins over its last segment; lowest id among equals.
      const byName = await scoped()
        .where('protocol_name', 'in', [ref, segment])
        .orderBy((eb) => eb.case().when('protocol_name', '=', ref).then(0).else(1).end(), 'asc')
        .orderBy('id', 'asc')
        .limit(1)
        .executeTakeFirst();
      return byName ? toProtocolRun(byName) : null;
    },

    async list(filter: ProtocolRunListFilter = {}, page = {}) {
      if (!idFiltersValid([filter.project_id])) return { items: [], next_cursor: null };
      let query = db.selectFrom('protocol_runs').selectAll();
      if (filter.project_id !== undefined) query = query.where('project_id', '=', filter.project_id);
      if (filter.status !== undefined)
        query = query.where('status', '=', requireOneOf('status', filter.status, PROTOCOL_STATUSES));
      return newestFirstPage(query, 'id', page, toProtocolRun);
    },

    update,

    async setTemplateConfig(id: number, config: JsonObject | null): Promise<ProtocolRun> {
      return write(id, { template_config: optionalObjectText('template_config', config) });
    },

    mergeTemplateConfig(id: number, patch: JsonObject): Promise<ProtocolRun> {
      return mergeJson(id, TEMPLATE_CONFIG, patch);
    },

    transition(id: number, move: StatusTransition<ProtocolStatus>, patch: ProtocolRunPatch = {}): Promise<ProtocolRun> {
      return transition(id, move, patch);
    },
  };
}
