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
import type { Selectable, Updateable } from 'kysely';
import type { StepRunsTable } from '../schema.js';
import { constraintViolation } from './db-errors.js';
import { toJsonText } from './json.js';
import { toStepRun } from './mappers.js';
import { protocolRunNotFound } from './protocol-runs.repository.js';
import { isRowId, nowIso, requireFound, type RepositoryContext } from './repository-context.js';
import type { NewStepRun, StatusTransition, StepRunPatch, StepRunRepository } from './repositories.types.js';
import { createRowWriter, statusTransition, type JsonColumn, type RowWriterSpec } from './row-writer.js';
import {
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

const RUNTIME_STATE: JsonColumn<Selectable<StepRunsTable>, Updateable<StepRunsTable>> = {
  field: 'runtime_state',
  read: (row) => row.runtime_state,
  values: (text) => ({ runtime_state: text }),
};

export function createStepRunRepository(ctx: RepositoryContext): StepRunRepository {
  const { db, dialect } = ctx;

  const rows: RowWriterSpec<Selectable<StepRunsTable>, StepRun, StepRunPatch, Updateable<StepRunsTable>> = {
    ctx,
    update: (executor, id, values, move) =>
      executor
        .updateTable('step_runs')
        .set({ ...values, ...(move ? { status: move.to } : {}), updated_at: nowIso(ctx) })
        .where('id', '=', id)
        .$if(move !== undefined, (query) => query.where('status', 'in', move?.from ?? []))
        .returningAll()
        .executeTakeFirst(),
    select: (executor, id, lock) =>
      executor
        .selectFrom('step_runs')
        .selectAll()
        .where('id', '=', id)
        .$if(lock && dialect === 'postgres', (query) => query.forUpdate())
        .executeTakeFirst(),
    map: toStepRun,
    notFound: stepRunNotFound,
    patchValues: (patch) => patchColumns(patch, PATCH_COLUMNS),
  };
  const { find, update, mergeJson } = createRowWriter(rows);
  const transition = statusTransition(rows, {
    kind: 'step',
    entity: 'StepRun',
    statuses: STEP_STATUSES,
    table: STEP_TRANSITIONS,
  });
  const ofRun = (protocolRunId: number) =>
    db.selectFrom('step_runs').selectAll().where('protocol_run_id', '=', protocolRunId);

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

    update,

    mergeRuntimeState(id: number, patch: JsonObject): Promise<StepRun> {
      return mergeJson(id, RUNTIME_STATE, patch);
    },

    transition(id: number, move: StatusTransition<StepStatus>, patch: StepRunPatch = {}): Promise<StepRun> {
      return transition(id, move, patch);
    },
  };
}
