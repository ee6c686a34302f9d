import { NotFoundError, ValidationError, type Event, type JsonObject } from '@tasksgodzilla/core';
import { sql } from 'kysely';
import { clampLimit, decodeCursor, toPage } from '../pagination.js';
import type { Executor } from '../database.types.js';
import { reusableQuery } from '../reusable-query.js';
import { constraintViolation } from './db-errors.js';
import { createEventFeed } from './event-feed.js';
import { toJsonText } from './json.js';
import { toEvent } from './mappers.js';
import { projectNotFound } from './projects.repository.js';
import { protocolRunNotFound } from './protocol-runs.repository.js';
import {
  idFiltersValid,
  inTransaction,
  isRowId,
  MAX_ROW_ID,
  nowIso,
  type RepositoryContext,
} from './repository-context.js';
import type { EventFilter, EventRepository, NewEvent } from './repositories.types.js';
import { stepRunNotFound } from './step-runs.repository.js';
import { optionalObject, optionalText, requireText } from './validation.js';

export function eventNotFound(id: number): NotFoundError {
  return new NotFoundError(`Event ${id} not found`, { code: 'event_not_found', details: { event_id: id } });
}

/** `loop_` and `trigger_*` are prefixes (the `*` is dropped); anything else is an exact type. */
export function typePrefix(type: string): string | null {
  if (type.endsWith('*')) return type.slice(0, -1);
  if (type.endsWith('_')) return type;
  return null;
}

/** Adds request_id / job_id to the metadata unless it already has them; empty metadata is stored as NULL. */
function enrichMetadata(
  metadata: JsonObject | null,
  ids: { request_id: string | null; job_id: string | null },
): JsonObject | null {
  const merged: JsonObject = { ...(metadata ?? {}) };
  for (const key of ['request_id', 'job_id'] as const) {
    const value = ids[key];
    if (value !== null && (merged[key] === undefined || merged[key] === null)) merged[key] = value;
  }
  return Object.keys(merged).length > 0 ? merged : null;
}

const newestOfRun = reusableQuery((executor, [runId, limit]: [number, number]) =>
  executor.selectFrom('events').selectAll().where('protocol_run_id', '=', runId).orderBy('id', 'desc').limit(limit),
);

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function createEventRepository(ctx: RepositoryContext): EventRepository {
  const { db } = ctx;

  // LEFT JOINs: project-level events (no run) must be listed too.
  const selectEvents = () =>
    db
      .selectFrom('events as e')
      .leftJoin('protocol_runs as r', 'r.id', 'e.protocol_run_id')
      .leftJoin('projects as p', 'p.id', 'e.project_id')
      .selectAll('e')
      .select(['r.protocol_name as protocol_name', 'p.name as project_name']);

  const filtered = (filter: EventFilter) => {
    let query = selectEvents();
    if (filter.project_id !== undefined) query = query.where('e.project_id', '=', filter.project_id);
    if (filter.project_ids) query = query.where('e.project_id', 'in', [...filter.project_ids]);
    if (filter.protocol_run_id !== undefined) query = query.where('e.protocol_run_id', '=', filter.protocol_run_id);
    if (filter.step_run_id !== undefined) query = query.where('e.step_run_id', '=', filter.step_run_id);
    const types = (filter.event_types ?? []).filter((type) => type.length > 0);
    if (types.length > 0) {
      query = query.where((eb) =>
        eb.or(
          types.map((type) => {
            const prefix = typePrefix(type);
            if (prefix === null) return eb('e.event_type', '=', type);
            // substr instead of LIKE: `_` is a LIKE wildcard and SQLite's LIKE ignores case.
            return eb(
              eb.fn<string>('substr', [eb.ref('e.event_type'), sql.lit(1), sql.lit(prefix.length)]),
              '=',
              prefix,
            );
          }),
        ),
      );
    }
    return query;
  };

  /** The run an event belongs to, checked against its project and step (rows are never deleted, so no race). */
  const resolveRun = async (input: NewEvent): Promise<number | null> => {
    let runId = input.protocol_run_id ?? null;
    const stepId = input.step_run_id ?? null;
    // The run's project, read with the step when there is one (one statement, not two, per step event).
    let runProject: number | null = null;
    if (stepId !== null) {
      if (!isRowId(stepId)) throw stepRunNotFound(stepId);
      const step = await db
        .selectFrom('step_runs')
        .innerJoin('protocol_runs', 'protocol_runs.id', 'step_runs.protocol_run_id')
        .select(['step_runs.protocol_run_id', 'protocol_runs.project_id'])
        .where('step_runs.id', '=', stepId)
        .executeTakeFirst();
      if (!step) throw stepRunNotFound(stepId);
      if (runId === null) runId = step.protocol_run_id;
      else if (runId !== step.protocol_run_id) {
        const message = `StepRun ${stepId} belongs to protocol run ${step.protocol_run_id}, not ${runId}`;
        throw new ValidationError(`Invalid event: ${message}`, [{ path: ['step_run_id'], message }]);
      }
      runProject = step.project_id;
    }
    if (runId !== null) {
      if (runProject === null) {
        if (!isRowId(runId)) throw protocolRunNotFound(runId);
        const run = await db
          .selectFrom('protocol_runs')
          .select('project_id')
          .where('id', '=', runId)
          .executeTakeFirst();
        if (!run) throw protocolRunNotFound(runId);
        runProject = run.project_id;
      }
      if (runProject !== input.project_id) {
        const message = `ProtocolRun ${runId} belongs to project ${runProject}, not ${input.project_id}`;
        throw new ValidationError(`Invalid event: ${message}`, [{ path: ['protocol_run_id'], message }]);
      }
    }
    return runId;
  };

  return {
    async append(input: NewEvent): Promise<Event> {
      const eventType = requireText('event_type', input.event_type);
      if (typeof input.message !== 'string')
        throw new ValidationError('Invalid message: must be a string', [
          { path: ['message'], message: 'must be a string' },
        ]);
      const ids = {
        request_id: optionalText('request_id', input.request_id),
        job_id: optionalText('job_id', input.job_id),
      };
      const metadata = enrichMetadata(optionalObject('metadata', input.metadata) as JsonObject | null, ids);
      if (!isRowId(input.project_id)) throw projectNotFound(input.project_id);
      const protocolRunId = await resolveRun(input);
      const insert = async (executor: Executor) => {
        // PostgreSQL: the transaction takes its xid before the sequence hands out the id, so a reader that
        // sees a gap knows the transaction that may fill it is in progress in its snapshot (event-feed.ts).
        if (ctx.dialect === 'postgres') await sql`select pg_current_xact_id()`.execute(executor);
        return executor
          .insertInto('events')
          .values({
            project_id: input.project_id,
            protocol_run_id: protocolRunId,
            step_run_id: input.step_run_id ?? null,
            event_type: eventType,
            message: input.message,
            metadata: toJsonText(metadata),
            request_id: ids.request_id ?? stringOrNull(metadata?.request_id),
            job_id: ids.job_id ?? stringOrNull(metadata?.job_id),
            created_at: nowIso(ctx),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
      };
      try {
        return toEvent(ctx.dialect === 'postgres' ? await inTransaction(ctx, insert) : await insert(db));
      } catch (error) {
        if (constraintViolation(error)?.kind === 'foreign_key') throw projectNotFound(input.project_id);
        throw error;
      }
    },

    async list(filter: EventFilter = {}, page = {}) {
      const limit = clampLimit(page.limit);
      if (!idFiltersValid([filter.project_id, filter.protocol_run_id, filter.step_run_id]))
        return { items: [], next_cursor: null };
      if (filter.project_ids?.length === 0) return { items: [], next_cursor: null };
      let query = filtered(filter);
      if (page.cursor) {
        const { i } = decodeCursor<{ i: number }>(page.cursor, ['i']);
        query = query.where('e.id', '<', i);
      }
      const rows = await query
        .orderBy('e.id', 'desc')
        .limit(limit + 1)
        .execute();
      return toPage(rows, limit, toEvent, (row) => ({ i: row.id }));
    },

    async listAfter(afterId: number, filter: EventFilter = {}, limit?: number) {
      if (!idFiltersValid([filter.project_id, filter.protocol_run_id, filter.step_run_id])) return [];
      if (filter.project_ids?.length === 0) return [];
      const rows = await filtered(filter)
        .where('e.id', '>', Math.max(0, Math.trunc(afterId) || 0))
        .orderBy('e.id', 'asc')
        .limit(clampLimit(limit))
        .execute();
      return rows.map(toEvent);
    },

    async newestOfRun(protocolRunId: number, limit: number) {
      if (!isRowId(protocolRunId)) return [];
      return (await newestOfRun.rows(db, [protocolRunId, clampLimit(limit)])).map(toEvent);
    },

    async feed(filter: EventFilter = {}, after?: number) {
      let position: number;
      if (after === undefined) {
        const newest = await db
          .selectFrom('events')
          .select((eb) => eb.fn.max('id').as('id'))
          .executeTakeFirst();
        position = Number(newest?.id ?? 0);
      } else position = Math.min(MAX_ROW_ID, Math.max(0, Math.trunc(after) || 0));
      const matchable =
        idFiltersValid([filter.project_id, filter.protocol_run_id, filter.step_run_id]) &&
        filter.project_ids?.length !== 0;
      return createEventFeed(
        {
          db,
          dialect: ctx.dialect,
          between: async (from, upTo) =>
            matchable
              ? (
                  await filtered(filter)
                    .where('e.id', '>', from)
                    .where('e.id', '<=', upTo)
                    .orderBy('e.id', 'asc')
                    .execute()
                ).map(toEvent)
              : [],
        },
        position,
      );
    },

    async get(id: number): Promise<Event> {
      const row = isRowId(id) ? await selectEvents().where('e.id', '=', id).executeTakeFirst() : undefined;
      if (!row) throw eventNotFound(id);
      return toEvent(row);
    },
  };
}
