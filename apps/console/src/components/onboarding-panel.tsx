import type { OnboardingSummary } from '@tasksgodzilla/client';
import { useConsole } from '../console-context.js';
import { useAction } from '../hooks/use-action.js';
import { formatTime } from '../lib/format.js';
import { Empty, LoadError, Panel, RefreshButton, TableHead } from './panel.js';
import { StatusPill } from './pill.js';

const TIMELINE = 8;

/** Onboarding of the selected project: stages and the newest events first. */
export function OnboardingPanel({
  projectId,
  summary,
  error,
  loading,
  onReload,
}: {
  projectId: number | null;
  summary: OnboardingSummary | undefined;
  error: unknown;
  loading: boolean;
  onReload(): void;
}) {
  const { client } = useConsole();
  const { busy, run } = useAction();
  const timeline = summary ? [...summary.events].sort((a, b) => b.id - a.id).slice(0, TIMELINE) : [];
  const actions =
    projectId === null ? undefined : (
      <>
        <button
          type="button"
          disabled={busy !== null}
          onClick={() => void run('start', () => client.startOnboarding(projectId), 'Onboarding enqueued.', onReload)}
        >
          Run setup again
        </button>
        <RefreshButton onRefresh={onReload} />
      </>
    );
  return (
    <Panel title="Onboarding" actions={actions}>
      {projectId === null ? (
        <Empty>Select a project to view onboarding progress.</Empty>
      ) : !summary ? (
        error ? (
          <LoadError error={error} />
        ) : (
          <Empty>{loading ? 'Loading onboarding status...' : 'No onboarding yet.'}</Empty>
        )
      ) : (
        <>
          <LoadError error={error} />
          <div className="onboarding-head">
            <StatusPill status={summary.status} testId="onboarding-status" />
            <span className="mono">{summary.workspace_path ?? '-'}</span>
          </div>
          <p className="muted">
            Last:{' '}
            {summary.last_event ? `${summary.last_event.message} (${formatTime(summary.last_event.created_at)})` : '-'}
          </p>
          {summary.stages.length === 0 ? (
            <Empty>No stages yet.</Empty>
          ) : (
            <ul className="stages">
              {summary.stages.map((stage) => (
                <li key={stage.key} className="stage">
                  <span className="card-title">{stage.name}</span>
                  <StatusPill status={stage.status} />
                  <span className="muted">{stage.message ?? ''}</span>
                  <span className="muted small">{formatTime(stage.created_at)}</span>
                </li>
              ))}
            </ul>
          )}
          {timeline.length === 0 ? (
            <Empty>No events yet.</Empty>
          ) : (
            <details open={summary.status !== 'completed'}>
              <summary className="small muted">Timeline (newest first)</summary>
              <table className="table" aria-label="Onboarding timeline">
                <TableHead columns={['Time', 'Event', 'Message']} />
                <tbody>
                  {timeline.map((event) => (
                    <tr key={event.id}>
                      <td className="nowrap">{formatTime(event.created_at)}</td>
                      <td className="mono nowrap">{event.event_type}</td>
                      <td>{event.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          )}
        </>
      )}
    </Panel>
  );
}
