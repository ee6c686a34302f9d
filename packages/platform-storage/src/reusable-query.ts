import type { Compilable, CompiledQuery } from 'kysely';
import type { Executor } from './database.types.js';
import { runNow } from './direct-reads.js';

/** Where a run's value goes: parameter `index` (and item `item` of it when it is a list). */
class Slot {
  constructor(
    readonly index: number,
    readonly item: number | null,
  ) {}
}

/** A parameter of a reusable query: one value, or a list (an `in (…)`), whose length is part of the query's shape. */
export type ReusableParam = unknown;

/**
 * A query whose Kysely build and SQL compilation happen once per database (and shape), not once per
 * call: on a hot path (health, claims, reads by id) building and compiling cost more than SQLite took
 * to run the statement (issue 12). `build` receives stand-ins for its parameters (a list parameter: a
 * list of stand-ins of the same length) and must only pass them on as values; each run fills them in.
 * `shape` names what else changes the SQL (a flag), so each shape is compiled once.
 */
export interface ReusableQuery<P extends readonly ReusableParam[], R> {
  compiled(db: Executor, params: P, shape?: string): CompiledQuery<R>;
  rows(db: Executor, params: P, shape?: string): Promise<R[]>;
  first(db: Executor, params: P, shape?: string): Promise<R | undefined>;
}

export function reusableQuery<P extends readonly ReusableParam[], R>(
  build: (db: Executor, params: P, shape: string) => Compilable<R>,
): ReusableQuery<P, R> {
  // Keyed by the dialect's adapter: a transaction shares its database's, and the SQL depends on nothing else.
  const byAdapter = new WeakMap<object, Map<string, CompiledQuery<R>>>();
  const compiled = (db: Executor, params: P, shape = ''): CompiledQuery<R> => {
    const adapter = db.getExecutor().adapter;
    let cache = byAdapter.get(adapter);
    if (!cache) {
      cache = new Map();
      byAdapter.set(adapter, cache);
    }
    let key = shape;
    for (const param of params) key += Array.isArray(param) ? `|${param.length}` : '|';
    let template = cache.get(key);
    if (!template) {
      const slots = params.map((param, index) =>
        Array.isArray(param) ? param.map((_item, item) => new Slot(index, item)) : new Slot(index, null),
      ) as unknown as P;
      template = build(db, slots, shape).compile();
      cache.set(key, template);
      preparedNames.set(template.sql, preparedNames.get(template.sql) ?? `tgz_${preparedNames.size + 1}`);
    }
    const parameters = template.parameters.map((value) => {
      if (!(value instanceof Slot)) return value;
      const param = params[value.index];
      return value.item === null ? param : (param as readonly unknown[])[value.item];
    });
    return { ...template, parameters };
  };
  const rows = async (db: Executor, params: P, shape?: string): Promise<R[]> => {
    const query = compiled(db, params, shape);
    return runNow(db, query) ?? (await db.executeQuery(query)).rows;
  };
  return {
    compiled,
    rows,
    async first(db, params, shape) {
      return (await rows(db, params, shape))[0];
    },
  };
}

/** The SQL of every reusable query compiled in this process, with the name it is prepared under. */
const preparedNames = new Map<string, string>();

/**
 * The name under which PostgreSQL keeps `sql` prepared, when it is a reusable query's (a hot path);
 * undefined otherwise. openDatabase's PostgreSQL connections send such a statement by that name: the
 * server parses and plans it once per connection instead of once per call, as a raw loop with named
 * statements does (issue 12: the queue on PostgreSQL).
 */
export function preparedStatementName(sql: string): string | undefined {
  return preparedNames.get(sql);
}
