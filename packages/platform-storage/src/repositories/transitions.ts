import {
  ConflictError,
  ValidationError,
  assertTransition,
  isLegalTransition,
  type TransitionTable,
} from '@tasksgodzilla/core';

export interface TransitionPlan<S extends string> {
  /** Statuses the caller expects the row to have now. */
  sources: S[];
  /** The subset of sources from which `to` is legal: the `status IN (…)` of the compare-and-swap. */
  legal: S[];
}

export function planTransition<S extends string>(
  table: TransitionTable<S>,
  from: S | readonly S[],
  to: S,
): TransitionPlan<S> {
  const sources = (typeof from === 'string' ? [from] : [...from]) as S[];
  if (sources.length === 0)
    throw new ValidationError('Invalid transition: `from` names no status', [
      { path: ['from'], message: 'must name at least one status' },
    ]);
  return { sources, legal: sources.filter((status) => isLegalTransition(table, status, to)) };
}

function illegal<S extends string>(kind: string, table: TransitionTable<S>, from: S, to: S): ConflictError {
  try {
    assertTransition(kind, table, from, to);
  } catch (error) {
    if (error instanceof ConflictError) return error;
    throw error;
  }
  throw new Error(`unreachable: ${from} -> ${to} is legal`);
}

/**
 * Explains why a compare-and-swap matched no row, given the row's status read afterwards (undefined
 * when the row does not exist): an illegal move, or a lost race / stale expectation.
 */
export function transitionFailure<S extends string>(options: {
  kind: string;
  entity: string;
  id: number | string;
  table: TransitionTable<S>;
  plan: TransitionPlan<S>;
  to: S;
  current: S | undefined;
  notFound: () => Error;
}): Error {
  const { kind, entity, id, table, plan, to, current } = options;
  if (current === undefined) return options.notFound();
  const probe = plan.sources.includes(current) ? current : plan.legal.length === 0 ? plan.sources[0] : undefined;
  if (probe !== undefined && !isLegalTransition(table, probe, to)) return illegal(kind, table, probe, to);
  return new ConflictError(`${entity} ${id} status conflict`, {
    code: `${kind}_status_conflict`,
    details: { id, expected: plan.sources, actual: current, to },
  });
}
