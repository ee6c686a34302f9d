import {
  ConflictError,
  NotFoundError,
  STEP_STATUSES,
  STEP_TRANSITIONS,
  type JsonObject,
  type JsonValue,
  type StepRun,
  type StepStatus,
} from '@tasksgodzilla/core';
import type { Updateable } from 'kysely';
import type { Executor } from '../database.types.js';
import type { StepRunsTable } from '../schema.js';
import { constraintViolation } from './db-errors.js';
import { mergeJsonObject, parseJsonObject, toJsonText } from './json.js';
import { toStepRun } from './mappers.js';
import { protocolRunNotFound } from './protocol-runs.repository.js';
import { inTransaction, isRowId, nowIso, requireFound, type RepositoryContext } from './repository-context.js';
import type { NewStepRun, StatusTransition, StepRunPatch, StepRunRepository } from './repositories.types.js';
import { planTransition, transitionFailure } from './transitions.js';
import {
  optionalObject,
  optionalObjectText,
  optionalText,
  patchColumns,
  requireInteger,
  requireOneOf,
  requireText,
  type PatchColumns,
} from './validation.js';

export function stepRunNotFound(id: number): NotFoundError {
  return new NotFoundError(`StepRun ${id} not found`, { code: 'step_run_not_found', details: { step_run_id: id } });
}

const PATCH_COLUMNS: PatchColumns<StepRunPatch, Updateable<StepRunsTable>> = {
  retries: requireInteger,
  model: optionalText,
  engine_id: optionalText,
  policy: (_field, value) => toJsonText(value),
  runtime_state: optionalObjectText,
  summary: optionalText,
};

export function createStepRunRepository(ctx: RepositoryContext): StepRunRepository {
  const { db, dialect } = ctx;

  const find = async (id: number): Promise<StepRun | null> => {
    if (!isRowId(id)) return null;
    const row = await db.selectFrom('step_runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toStepRun(row) : null;
  };

  const ofRun = (protocolRunId: number) =>
    db.selectFrom('step_runs').selectAll().where('protocol_run_id', '=', protocolRunId);

  const write = async (id: number, values: Updateable<StepRunsTable>, executor: Executor = db): Promise<StepRun> => {
    if (!isRowId(id)) throw stepRunNotFound(id);
    const row = await executor
      .updateTable('step_runs')
      .set({ ...values, updated_at: nowIso(ctx) })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw stepRunNotFound(id);
    return toStepRun(row);
  };

  return {
    async create(input: NewStepRun): Promise<StepRun> {
      const now = nowIso(ctx);
      const values = {
        protocol_run_id: input.protocol_run_id,
        step_index: requireInteger('step_index', input.step_index),
        step_name: requireText('step_name', input.step_name),
        step_type: requireText('step_type', input.step_type),
        status: input.status === undefined ? 'pending' : requireOneOf('status', input.status, STEP_STATUSES),
        retries: input.retries === undefined ? 0 : requireInteger('retries', input.retries),
        model: optionalText('model', input.model),
        engine_id: optionalText('engine_id', input.engine_id),
        policy: toJsonText(input.policy as JsonValue | null | undefined),
        runtime_state: null,
        summary: optionalText('summary', input.summary),
        created_at: now,
        updated_at: now,
      };
      if (!isRowId(input.protocol_run_id)) throw protocolRunNotFound(input.protocol_run_id);
      try {
        const row = await db.insertInto('step_runs').values(values).returningAll().executeTakeFirstOrThrow();
        return toStepRun(row);
      } catch (error) {
        const violation = constraintViolation(error);
        if (violation?.kind === 'unique') {
          throw new ConflictError(
            `Step '${values.step_name}' already exists in protocol run ${values.protocol_run_id}`,
            {
              code: 'step_run_exists',
              details: { protocol_run_id: values.protocol_run_id, step_name: values.step_name },
              cause: error,
            },
          );
        }
        if (violation?.kind === 'foreign_key') throw protocolRunNotFound(values.protocol_run_id);
        throw error;
      }
    },

    find,

    get: requireFound(find, stepRunNotFound),

    async listByRun(protocolRunId: number): Promise<StepRun[]> {
      if (!isRowId(protocolRunId)) return [];
      const rows = await ofRun(protocolRunId).orderBy('step_index', 'asc').orderBy('id', 'asc').execute();
      return rows.map(toStepRun);
    },

    async latest(protocolRunId: number): Promise<StepRun | null> {
      if (!isRowId(protocolRunId)) return null;
      const row = await ofRun(protocolRunId)
        .orderBy('updated_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toStepRun(row) : null;
    },

    async update(id: number, patch: StepRunPatch): Promise<StepRun> {
      return write(id, patchColumns(patch, PATCH_COLUMNS));
    },

    async mergeRuntimeState(id: number, patch: JsonObject): Promise<StepRun> {
      optionalObject('runtime_state', patch);
      if (!isRowId(id)) throw stepRunNotFound(id);
      return inTransaction(ctx, async (trx) => {
        const current = await trx
          .selectFrom('step_runs')
          .select('runtime_state')
          .where('id', '=', id)
          .$if(dialect === 'postgres', (query) => query.forUpdate())
          .executeTakeFirst();
        if (!current) throw stepRunNotFound(id);
        const merged = mergeJsonObject(parseJsonObject(current.runtime_state), patch);
        return write(id, { runtime_state: toJsonText(merged) }, trx);
      });
    },

    async transition(
      id: number,
      { from, to }: StatusTransition<StepStatus>,
      patch: StepRunPatch = {},
    ): Promise<StepRun> {
      requireOneOf('to', to, STEP_STATUSES);
      const plan = planTransition(STEP_TRANSITIONS, from, to);
      const values = patchColumns(patch, PATCH_COLUMNS);
      if (!isRowId(id)) throw stepRunNotFound(id);
      if (plan.legal.length > 0) {
        const row = await db
          .updateTable('step_runs')
          .set({ ...values, status: to, updated_at: nowIso(ctx) })
          .where('id', '=', id)
          .where('status', 'in', plan.legal)
          .returningAll()
          .executeTakeFirst();
        if (row) return toStepRun(row);
      }
      const current = await db.selectFrom('step_runs').select('status').where('id', '=', id).executeTakeFirst();
      throw transitionFailure({
        kind: 'step',
        entity: 'StepRun',
        id,
        table: STEP_TRANSITIONS,
        plan,
        to,
        current: current?.status as StepStatus | undefined,
        notFound: () => stepRunNotFound(id),
      });
    },
  };
}
