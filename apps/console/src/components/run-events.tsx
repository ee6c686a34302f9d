import { isLoopEvent, isTriggerEvent, type EventOut } from '@tasksgodzilla/client';
import { useMemo, useState } from 'react';
import { filterRunEvents, type EventKindFilter } from '../lib/events.js';
import { Empty, SpecHashFilter } from './panel.js';
import { EventItem } from './event-item.js';

const SHOWN = 100;

/** The run's events, newest first, with loop / trigger filters and a spec-hash filter. */
export function RunEvents({ events }: { events: EventOut[] }) {
  const [kind, setKind] = useState<EventKindFilter>('all');
  const [spec, setSpec] = useState('');
  const counts = useMemo(
    () => ({ loop: events.filter(isLoopEvent).length, trigger: events.filter(isTriggerEvent).length }),
    [events],
  );
  const shown = useMemo(() => filterRunEvents(events, kind, spec), [events, kind, spec]);
  return (
    <div className="run-events">
      <div className="filters">
        <span className="muted small" data-testid="event-summary">
          {events.length} total · loop:{counts.loop} · trigger:{counts.trigger}
        </span>
        <div className="segmented" role="group" aria-label="Event filter">
          {(['all', 'loop', 'trigger'] as const).map((value) => (
            <button
              key={value}
              type="button"
              className={kind === value ? 'active' : ''}
              aria-pressed={kind === value}
              onClick={() => setKind(value)}
            >
              {value}
            </button>
          ))}
        </div>
        <SpecHashFilter label="Filter events by spec hash" value={spec} onChange={setSpec} />
      </div>
      {shown.length === 0 ? (
        <Empty>No events{kind !== 'all' || spec ? ' match the filter' : ' yet'}.</Empty>
      ) : (
        <ul className="events" aria-label="Run events">
          {shown.slice(0, SHOWN).map((event) => (
            <EventItem key={event.id} event={event} />
          ))}
        </ul>
      )}
    </div>
  );
}
