import type { JsonObject, TransitionTable } from '@tasksgodzilla/core';
import type { Executor } from '../database.types.js';
import { mergeJsonObject, parseJsonObject, toJsonText } from './json.js';
import { inTransaction, isRowId, type RepositoryContext } from './repository-context.js';
import type { StatusTransition } from './repositories.types.js';
import { planTransition, transitionFailure } from './transitions.js';
import { optionalObject, requireOneOf } from './validation.js';

/** A compare-and-swap on the status column: set it to `to` where it is one of `from`. */
export interface StatusMove {
  to: string;
  from: readonly string[];
}

/**
 * One table's rows keyed by `id`: its two queries (Kysely cannot type one query over a table
 * parameter), its mapper and its NotFoundError. The writer builds the shared operations on them.
 */
export interface RowWriterSpec<Row, T, P, V> {
  ctx: RepositoryContext;
  /** `UPDATE … SET values, updated_at = now [, status = move.to] WHERE id = ? [AND status IN move.from] RETURNING *`. */
  update(executor: Executor, id: number, values: V, move?: StatusMove): Promise<Row | undefined>;
  /** `SELECT * … WHERE id = ?`, with `FOR UPDATE` on PostgreSQL when `lock`. */
  select(executor: Executor, id: number, lock: boolean): Promise<Row | undefined>;
  map(row: Row): T;
  notFound(id: number): Error;
  /** Checks a patch and turns it into column values. */
  patchValues(patch: P): V;
}

/** A JSON object column: its field name (for validation errors), how to read it and how to set it. */
export interface JsonColumn<Row, V> {
  field: string;
  read(row: Row): string | null;
  values(text: string | null): V;
}

export interface RowWriter<Row, T, P, V> {
  find(id: number): Promise<T | null>;
  /** Writes `values` (and updated_at), or throws the NotFoundError. */
  write(id: number, values: V, executor?: Executor): Promise<T>;
  /** Applies a patch (absent keys kept, null clears). */
  update(id: number, patch: P): Promise<T>;
  /** Merges `patch` into a JSON object column in one transaction, the row locked: a key set to null is removed. */
  mergeJson(id: number, column: JsonColumn<Row, V>, patch: JsonObject): Promise<T>;
}

export function createRowWriter<Row, T, P, V>(spec: RowWriterSpec<Row, T, P, V>): RowWriter<Row, T, P, V> {
  const { ctx } = spec;
  const write = async (id: number, values: V, executor: Executor = ctx.db): Promise<T> => {
    if (!isRowId(id)) throw spec.notFound(id);
    const row = await spec.update(executor, id, values);
    if (!row) throw spec.notFound(id);
    return spec.map(row);
  };
  return {
    async find(id) {
      if (!isRowId(id)) return null;
      const row = await spec.select(ctx.db, id, false);
      return row ? spec.map(row) : null;
    },
    write,
    // async: a patch that fails validation rejects, as every repository call does.
    async update(id, patch) {
      return write(id, spec.patchValues(patch));
    },
    async mergeJson(id, column, patch) {
      optionalObject(column.field, patch);
      if (!isRowId(id)) throw spec.notFound(id);
      return inTransaction(ctx, async (trx) => {
        const current = await spec.select(trx, id, true);
        if (!current) throw spec.notFound(id);
        const merged = mergeJsonObject(parseJsonObject(column.read(current)), patch);
        return write(id, column.values(toJsonText(merged)), trx);
      });
    },
  };
}

/** The status machine of a table: its statuses, its legal moves, and the names its errors use. */
export interface StatusMachine<S extends string> {
  kind: string;
  entity: string;
  statuses: readonly S[];
  table: TransitionTable<S>;
}

/**
 * `transition(id, { from, to }, patch)`: one compare-and-swap UPDATE that also writes the patch; when
 * it matches no row, the row's status read afterwards tells an illegal move from a lost race.
 */
export function statusTransition<Row extends { status: string }, T, P, V, S extends string>(
  spec: RowWriterSpec<Row, T, P, V>,
  machine: StatusMachine<S>,
): (id: number, move: StatusTransition<S>, patch: P) => Promise<T> {
  return async (id, { from, to }, patch) => {
    requireOneOf('to', to, machine.statuses);
    const plan = planTransition(machine.table, from, to);
    const values = spec.patchValues(patch);
    if (!isRowId(id)) throw spec.notFound(id);
    if (plan.legal.length > 0) {
      const row = await spec.update(spec.ctx.db, id, values, { to, from: plan.legal });
      if (row) return spec.map(row);
    }
    const current = await spec.select(spec.ctx.db, id, false);
    throw transitionFailure({
      kind: machine.kind,
      entity: machine.entity,
      id,
      table: machine.table,
      plan,
      to,
      current: current?.status as S | undefined,
      notFound: () => spec.notFound(id),
    });
  };
}
