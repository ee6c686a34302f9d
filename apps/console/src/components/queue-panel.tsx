import type { Job, QueueCounts } from '@tasksgodzilla/client';
import { useEffect, useState } from 'react';
import { useConsole } from '../console-context.js';
import { useAction } from '../hooks/use-action.js';
import { useCoalesced, useLiveEvents } from '../hooks/use-live-events.js';
import { useResource } from '../hooks/use-resource.js';
import { formatTime } from '../lib/format.js';
import { Empty, LoadError, Panel, SelectAndRefresh } from './panel.js';
import { Pill, StatusPill } from './pill.js';

const STATUSES = ['', 'queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
const JOBS_SHOWN = 25;
const OPEN_JOBS_RECHECK_MS = 3000;

function queueRows(stats: Record<string, QueueCounts | string> | undefined): { queue: string; counts: QueueCounts }[] {
  if (!stats) return [];
  return Object.entries(stats)
    .filter((entry): entry is [string, QueueCounts] => typeof entry[1] === 'object' && entry[1] !== null)
    .map(([queue, counts]) => ({ queue, counts }))
    .sort((a, b) => a.queue.localeCompare(b.queue));
}

/** Queue counts and jobs by status; failed (dead-lettered) jobs can be retried, open ones cancelled. Live. */
export function QueuePanel() {
  const { client } = useConsole();
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('');
  const stats = useResource(() => client.queueStats(), [client]);
  const jobs = useResource(
    async () => (await client.listQueueJobs({ status: status || undefined, limit: JOBS_SHOWN })).items,
    [client, status],
  );
  const { busy, run } = useAction();
  const reload = () => {
    void stats.reload();
    void jobs.reload();
  };
  const reloadSoon = useCoalesced(reload, 1000);
  useLiveEvents(() => reloadSoon());
  // A job's end is written to the ledger after its last event: look again while jobs are open.
  const open = (jobs.data ?? []).some((job) => job.status === 'queued' || job.status === 'running');
  const { data: jobList } = jobs;
  useEffect(() => {
    if (!open) return;
    const timer = setTimeout(reloadSoon, OPEN_JOBS_RECHECK_MS);
    return () => clearTimeout(timer);
  }, [open, jobList, reloadSoon]);

  const retry = (job: Job) =>
    run(`retry-${job.job_id}`, () => client.retryJob(job.job_id), `Job ${job.job_id} re-enqueued.`, reload);
  const cancel = (job: Job) =>
    run(
      `cancel-${job.job_id}`,
      () => client.cancelJob(job.job_id),
      (result) => `${result.message}: ${job.job_id}.`,
      reload,
    );

  return (
    <Panel
      title="Queue"
      actions={
        <SelectAndRefresh
          label="Job status"
          value={status}
          options={STATUSES.map((value) => [value, value || 'all jobs'] as const)}
          onChange={setStatus}
          onRefresh={reload}
        />
      }
    >
      <LoadError error={stats.error} />
      {stats.data ? (
        <ul className="queue-stats">
          {queueRows(stats.data).map(({ queue, counts }) => (
            <li key={queue}>
              <strong>{queue}</strong>{' '}
              <span className="muted small">
                {Object.entries(counts)
                  .map(([key, count]) => `${key} ${count}`)
                  .join(' · ')}
              </span>
            </li>
          ))}
          <li className="muted small">backend: {stats.data.backend}</li>
        </ul>
      ) : null}
      <LoadError error={jobs.error} />
      {jobs.data && jobs.data.length === 0 ? <Empty>No jobs{status ? ` ${status}` : ''}.</Empty> : null}
      <ul className="jobs" aria-label="Queue jobs">
        {(jobs.data ?? []).map((job) => (
          <li key={job.job_id} className="job">
            <div className="event-head">
              <Pill>{job.job_type}</Pill>
              <StatusPill status={job.status} />
              <span className="muted small">
                attempt {job.attempts}/{job.max_attempts}
              </span>
            </div>
            <div className="mono small">{job.job_id}</div>
            <div className="muted small">{formatTime(job.ended_at ?? job.started_at ?? job.created_at)}</div>
            {job.error ? <div className="load-error small">{job.error}</div> : null}
            {job.status === 'failed' || job.status === 'cancelled' ? (
              <button type="button" className="small-button" disabled={busy !== null} onClick={() => void retry(job)}>
                Retry
              </button>
            ) : null}
            {job.status === 'queued' || job.status === 'running' ? (
              <button
                type="button"
                className="small-button danger"
                disabled={busy !== null}
                onClick={() => void cancel(job)}
              >
                Cancel job
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </Panel>
  );
}
