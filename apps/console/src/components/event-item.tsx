import { eventLabel, isPolicyEvent, type EventOut } from '@tasksgodzilla/client';
import { eventContextLine, eventSpec, policySnippet } from '../lib/events.js';
import { formatJson, formatTime, shortHash } from '../lib/format.js';
import { Pill } from './pill.js';

/** One event: type, time, message, prompt/model/spec line, policy snippet, metadata (folded). */
export function EventItem({ event, context }: { event: EventOut; context?: string }) {
  const line = eventContextLine(event);
  const snippet = policySnippet(event);
  const spec = eventSpec(event);
  return (
    <li className="event" data-event-type={event.event_type}>
      <div className="event-head">
        <Pill tone={isPolicyEvent(event) ? 'accent' : 'idle'} title={eventLabel(event)}>
          {event.event_type}
        </Pill>
        <span className="muted small nowrap">{formatTime(event.created_at)}</span>
        {spec.hash ? (
          <Pill tone={spec.status === 'invalid' ? 'bad' : spec.status === 'valid' ? 'ok' : 'idle'}>
            spec {shortHash(spec.hash)}
          </Pill>
        ) : null}
      </div>
      <div className="event-message">{event.message}</div>
      {context ? <div className="muted small">{context}</div> : null}
      {line ? <div className="muted small mono">{line}</div> : null}
      {snippet ? <div className="small mono snippet">{snippet}</div> : null}
      {event.metadata && Object.keys(event.metadata).length > 0 ? (
        <details>
          <summary className="small muted">metadata</summary>
          <pre className="json">{formatJson(event.metadata)}</pre>
        </details>
      ) : null}
    </li>
  );
}
