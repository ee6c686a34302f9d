import type { ProtocolRunOut } from '@tasksgodzilla/client';
import { useMemo, useState } from 'react';
import { formatTime, formatUsd, specBadge } from '../lib/format.js';
import { sortRuns, type RunSort } from '../lib/sorting.js';
import { Empty, LoadError, Panel, SelectAndRefresh, TableHead } from './panel.js';
import { Pill, StatusPill } from './pill.js';

const RUN_SORTS: readonly (readonly [RunSort, string])[] = [
  ['updated', 'Updated'],
  ['spec', 'Spec status'],
];

export interface RunListProps {
  projectId: number | null;
  runs: ProtocolRunOut[] | undefined;
  error: unknown;
  selectedId: number | null;
  /** Cost in USD per run id, once loaded. */
  costs: ReadonlyMap<number, number>;
  /** First spec_audit time per run (from recent activity). */
  audits: ReadonlyMap<number, string>;
  onSelect(runId: number): void;
  onRefresh(): void;
}

export function RunList({ projectId, runs, error, selectedId, costs, audits, onSelect, onRefresh }: RunListProps) {
  const [sort, setSort] = useState<RunSort>('updated');
  const sorted = useMemo(() => sortRuns(runs ?? [], sort), [runs, sort]);
  return (
    <Panel
      title="Protocol runs"
      actions={
        <SelectAndRefresh
          label="Sort runs"
          value={sort}
          options={RUN_SORTS}
          onChange={setSort}
          onRefresh={onRefresh}
          disabled={projectId === null}
        />
      }
    >
      <LoadError error={error} />
      {projectId === null ? (
        <Empty>Select a project to view runs.</Empty>
      ) : runs && runs.length === 0 ? (
        <Empty>No protocol runs yet.</Empty>
      ) : (
        <table className="table clickable" aria-label="Protocol runs">
          <TableHead columns={['Name', 'Status', 'Spec', 'Audit', 'Cost', 'Updated']} />
          <tbody>
            {sorted.map((run) => (
              <tr
                key={run.id}
                className={run.id === selectedId ? 'selected' : ''}
                onClick={() => onSelect(run.id)}
                onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ' ? onSelect(run.id) : undefined)}
                tabIndex={0}
                aria-selected={run.id === selectedId}
                data-testid={`run-row-${run.id}`}
              >
                <td>{run.protocol_name}</td>
                <td>
                  <StatusPill status={run.status} />
                </td>
                <td>
                  <Pill tone={run.spec_validation_status === 'invalid' ? 'bad' : run.spec_hash ? 'ok' : 'idle'}>
                    {specBadge(run.spec_hash, run.spec_validation_status)}
                  </Pill>
                </td>
                <td className="nowrap">{audits.has(run.id) ? formatTime(audits.get(run.id)) : 'n/a'}</td>
                <td className="num">{costs.has(run.id) ? formatUsd(costs.get(run.id)) : '-'}</td>
                <td className="nowrap">{formatTime(run.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
