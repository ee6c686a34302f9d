import type { ProjectOut, ProtocolRunOut } from '@tasksgodzilla/client';

export type ProjectSort = 'name' | 'spec';
export type RunSort = 'updated' | 'spec';

/** Projects by name, or projects with an invalid spec first (then by name). */
export function sortProjects(
  projects: readonly ProjectOut[],
  sort: ProjectSort,
  invalidProjectIds: ReadonlySet<number>,
): ProjectOut[] {
  const byName = (a: ProjectOut, b: ProjectOut) => a.name.localeCompare(b.name) || a.id - b.id;
  if (sort === 'name') return [...projects].sort(byName);
  return [...projects].sort(
    (a, b) => Number(invalidProjectIds.has(b.id)) - Number(invalidProjectIds.has(a.id)) || byName(a, b),
  );
}

const SPEC_RANK: Record<string, number> = { invalid: 0, unknown: 1, valid: 2 };

function specRank(run: ProtocolRunOut): number {
  return SPEC_RANK[run.spec_validation_status ?? 'unknown'] ?? 3;
}

/** Runs newest-updated first, or by spec status (invalid, unknown, valid), then updated, then name. */
export function sortRuns(runs: readonly ProtocolRunOut[], sort: RunSort): ProtocolRunOut[] {
  const byUpdated = (a: ProtocolRunOut, b: ProtocolRunOut) =>
    b.updated_at.localeCompare(a.updated_at) || a.protocol_name.localeCompare(b.protocol_name) || b.id - a.id;
  if (sort === 'updated') return [...runs].sort(byUpdated);
  return [...runs].sort((a, b) => specRank(a) - specRank(b) || byUpdated(a, b));
}
