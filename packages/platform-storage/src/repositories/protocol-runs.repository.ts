import {
  ConflictError,
  NotFoundError,
  PROTOCOL_STATUSES,
  PROTOCOL_TRANSITIONS,
  type JsonObject,
  type ProtocolRun,
  type ProtocolStatus,
} from '@tasksgodzilla/core';
import type { Updateable } from 'kysely';
import type { Executor } from '../database.types.js';
import { newestFirstPage } from '../pagination.js';
import type { ProtocolRunsTable } from '../schema.js';
import { constraintViolation } from './db-errors.js';
import { mergeJsonObject, parseJsonObject, toJsonText } from './json.js';
import { toProtocolRun } from './mappers.js';
import { projectNotFound } from './projects.repository.js';
import {
  idFiltersValid,
  inTransaction,
  isRowId,
  nowIso,
  requireFound,
  type RepositoryContext,
} from './repository-context.js';
import type {
  NewProtocolRun,
  ProtocolRunListFilter,
  ProtocolRunPatch,
  ProtocolRunRepository,
  StatusTransition,
} from './repositories.types.js';
import { planTransition, transitionFailure } from './transitions.js';
import {
  optionalObject,
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

export function createProtocolRunRepository(ctx: RepositoryContext): ProtocolRunRepository {
  const { db, dialect } = ctx;

  const find = async (id: number): Promise<ProtocolRun | null> => {
    if (!isRowId(id)) return null;
    const row = await db.selectFrom('protocol_runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toProtocolRun(row) : null;
  };

  const write = async (
    id: number,
    values: Updateable<ProtocolRunsTable>,
    executor: Executor = db,
  ): Promise<ProtocolRun> => {
    if (!isRowId(id)) throw protocolRunNotFound(id);
    const row = await executor
      .updateTable('protocol_runs')
      .set({ ...values, updated_at: nowIso(ctx) })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw protocolRunNotFound(id);
    return toProtocolRun(row);
  };

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

    async update(id: number, patch: ProtocolRunPatch): Promise<ProtocolRun> {
      return write(id, patchColumns(patch, PATCH_COLUMNS));
    },

    async setTemplateConfig(id: number, config: JsonObject | null): Promise<ProtocolRun> {
      return write(id, { template_config: optionalObjectText('template_config', config) });
    },

    async mergeTemplateConfig(id: number, patch: JsonObject): Promise<ProtocolRun> {
      optionalObject('template_config', patch);
      if (!isRowId(id)) throw protocolRunNotFound(id);
      return inTransaction(ctx, async (trx) => {
        const current = await trx
          .selectFrom('protocol_runs')
          .select('template_config')
          .where('id', '=', id)
          .$if(dialect === 'postgres', (query) => query.forUpdate())
          .executeTakeFirst();
        if (!current) throw protocolRunNotFound(id);
        const merged = mergeJsonObject(parseJsonObject(current.template_config), patch);
        return write(id, { template_config: toJsonText(merged) }, trx);
      });
    },

    async transition(
      id: number,
      { from, to }: StatusTransition<ProtocolStatus>,
      patch: ProtocolRunPatch = {},
    ): Promise<ProtocolRun> {
      requireOneOf('to', to, PROTOCOL_STATUSES);
      const plan = planTransition(PROTOCOL_TRANSITIONS, from, to);
      const values = patchColumns(patch, PATCH_COLUMNS);
      if (!isRowId(id)) throw protocolRunNotFound(id);
      if (plan.legal.length > 0) {
        const row = await db
          .updateTable('protocol_runs')
          .set({ ...values, status: to, updated_at: nowIso(ctx) })
          .where('id', '=', id)
          .where('status', 'in', plan.legal)
          .returningAll()
          .executeTakeFirst();
        if (row) return toProtocolRun(row);
      }
      const current = await db.selectFrom('protocol_runs').select('status').where('id', '=', id).executeTakeFirst();
      throw transitionFailure({
        kind: 'protocol',
        entity: 'ProtocolRun',
        id,
        table: PROTOCOL_TRANSITIONS,
        plan,
        to,
        current: current?.status as ProtocolStatus | undefined,
        notFound: () => protocolRunNotFound(id),
      });
    },
  };
}
