import type { EventOut } from '@tasksgodzilla/client';
import { useMemo, useState } from 'react';
import { filterActivity } from '../lib/events.js';
import { EventItem } from './event-item.js';
import { Empty, LoadError, Panel, RefreshButton, SpecHashFilter } from './panel.js';

const SHOWN = 40;

function contextOf(event: EventOut): string {
  const parts = [
    event.project_name ?? (event.project_id !== null ? `project ${event.project_id}` : null),
    event.protocol_name ?? (event.protocol_run_id !== null ? `run ${event.protocol_run_id}` : null),
  ];
  if (event.step_run_id !== null) parts.push(`step ${event.step_run_id}`);
  return parts.filter(Boolean).join(' · ');
}

/** Newest events of the selected project (or of all projects), live. */
export function ActivityPanel({
  events,
  error,
  onRefresh,
}: {
  events: EventOut[] | undefined;
  error: unknown;
  onRefresh(): void;
}) {
  const [invalidOnly, setInvalidOnly] = useState(false);
  const [spec, setSpec] = useState('');
  const shown = useMemo(
    () => filterActivity(events ?? [], invalidOnly, spec).slice(0, SHOWN),
    [events, invalidOnly, spec],
  );
  return (
    <Panel title="Recent activity" actions={<RefreshButton onRefresh={onRefresh} />}>
      <div className="filters">
        <label className="check small">
          <input type="checkbox" checked={invalidOnly} onChange={(e) => setInvalidOnly(e.target.checked)} /> invalid
          specs only
        </label>
        <SpecHashFilter label="Filter activity by spec hash" value={spec} onChange={setSpec} />
      </div>
      <LoadError error={error} />
      {events && shown.length === 0 ? (
        <Empty>No activity{invalidOnly || spec ? ' matches the filter' : ' yet'}.</Empty>
      ) : null}
      <ul className="events" aria-label="Recent activity">
        {shown.map((event) => (
          <EventItem key={event.id} event={event} context={contextOf(event)} />
        ))}
      </ul>
    </Panel>
  );
}
