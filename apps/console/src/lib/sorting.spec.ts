import { project, run } from '@tasksgodzilla/testing/client-fixtures';
import { sortProjects, sortRuns } from './sorting.js';

describe('sorting', () => {
  const projects = [
    project({ id: 1, name: 'zeta' }),
    project({ id: 2, name: 'alpha' }),
    project({ id: 3, name: 'mid' }),
  ];

  it('sorts projects by name, or invalid specs first', () => {
    expect(sortProjects(projects, 'name', new Set()).map((p) => p.name)).toEqual(['alpha', 'mid', 'zeta']);
    expect(sortProjects(projects, 'spec', new Set([1])).map((p) => p.name)).toEqual(['zeta', 'alpha', 'mid']);
  });

  it('sorts runs newest-updated first, or invalid, unknown, valid', () => {
    const runs = [
      run({ id: 1, protocol_name: 'a', updated_at: '2026-11-27T17:00:01.000Z', spec_validation_status: 'valid' }),
      run({ id: 2, protocol_name: 'b', updated_at: '2026-11-27T17:00:03.000Z', spec_validation_status: null }),
      run({ id: 3, protocol_name: 'c', updated_at: '2026-11-27T17:00:02.000Z', spec_validation_status: 'invalid' }),
    ];
    expect(sortRuns(runs, 'updated').map((r) => r.id)).toEqual([2, 3, 1]);
    expect(sortRuns(runs, 'spec').map((r) => r.id)).toEqual([3, 2, 1]);
  });
});
