import { hasEventType, type EventOut } from '@tasksgodzilla/client';
import { useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import { useAction } from '../hooks/use-action.js';
import { formatTime } from '../lib/format.js';
import { Empty, Panel, RefreshButton } from './panel.js';
import { Pill } from './pill.js';

const SHOWN = 20;

function auditErrors(event: EventOut): string[] {
  const errors = event.metadata?.['errors'];
  return Array.isArray(errors) ? errors.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))) : [];
}

/** Enqueue a spec audit (backfilling missing specs) and list the audits from recent activity. */
export function SpecAuditsPanel({
  projectId,
  activity,
  onRefresh,
}: {
  projectId: number | null;
  activity: EventOut[] | undefined;
  onRefresh(): void;
}) {
  const { client } = useConsole();
  const { busy, run } = useAction();
  const [interval, setIntervalSeconds] = useState('');
  const audits = (activity ?? [])
    .filter((event) => hasEventType(event, 'spec_audit') && (projectId === null || event.project_id === projectId))
    .slice(0, SHOWN);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const seconds = interval.trim() ? Number(interval) : null;
    void run(
      'audit',
      () =>
        client.auditSpecs({
          project_id: projectId,
          backfill: true,
          interval_seconds: seconds !== null && Number.isInteger(seconds) ? seconds : null,
        }),
      (result) => `Spec audit enqueued (job ${result.job?.job_id ?? '-'})`,
      onRefresh,
    );
  };

  return (
    <Panel title="Spec audits" actions={<RefreshButton onRefresh={onRefresh} />}>
      <form className="inline-form" onSubmit={submit} aria-label="Run spec audit">
        <input
          type="number"
          min={30}
          aria-label="Audit interval (seconds)"
          placeholder="interval s (≥30)"
          value={interval}
          onChange={(e) => setIntervalSeconds(e.target.value)}
        />
        <button type="submit" disabled={busy !== null}>
          Run audit
        </button>
      </form>
      {audits.length === 0 ? (
        <Empty>No spec audits in recent activity.</Empty>
      ) : (
        <ul className="events">
          {audits.map((event) => {
            const errors = auditErrors(event);
            const backfilled = event.metadata?.['backfilled'] === true || event.metadata?.['backfill'] === true;
            return (
              <li key={event.id} className="event">
                <div className="event-head">
                  <strong>{event.protocol_name ?? `run ${event.protocol_run_id ?? '-'}`}</strong>
                  <span className="muted small">{event.project_name ?? ''}</span>
                  <Pill tone={errors.length > 0 ? 'bad' : 'ok'}>{backfilled ? 'backfilled' : 'checked'}</Pill>
                  <span className="muted small">{formatTime(event.created_at)}</span>
                </div>
                {errors.length > 0 ? <div className="load-error small">errors: {errors.join('; ')}</div> : null}
              </li>
            );
          })}
        </ul>
      )}
    </Panel>
  );
}
