import { isApiError, isStepActive, type StepRunOut } from '@tasksgodzilla/client';
import { useEffect, useRef, useState } from 'react';
import { useConsole } from '../console-context.js';
import { useCoalesced, useLiveEvents } from '../hooks/use-live-events.js';
import { useResource } from '../hooks/use-resource.js';
import { LoadError } from './panel.js';
import { StatusPill } from './pill.js';

/** How often a running step's log is fetched again (its events also trigger a fetch). */
const LOG_POLL_MS = 2000;

type Tab = 'log' | 'diff';
const TABS: readonly (readonly [Tab, string])[] = [
  ['log', 'Log'],
  ['diff', 'Diff'],
];

function diffLineClass(line: string): string {
  if (
    line.startsWith('+++') ||
    line.startsWith('---') ||
    line.startsWith('diff ') ||
    line.startsWith('commit ') ||
    line.startsWith('index ')
  )
    return 'diff-meta';
  if (line.startsWith('+')) return 'diff-add';
  if (line.startsWith('-')) return 'diff-del';
  if (line.startsWith('@@')) return 'diff-hunk';
  return '';
}

function Missing({ error, what }: { error: unknown; what: string }) {
  if (isApiError(error) && (error.status === 404 || error.status === 409))
    return <p className="empty">{`No ${what} yet (${error.message}).`}</p>;
  return <LoadError error={error} />;
}

/** The log of the selected step, followed live while it runs, and the patch of its commit. */
export function StepViewer({ step }: { step: StepRunOut }) {
  const { client } = useConsole();
  const [tab, setTab] = useState<Tab>('log');
  const [follow, setFollow] = useState(true);
  const active = isStepActive(step.status);
  const log = useResource(tab === 'log' ? () => client.getStepLog(step.id) : null, [client, step.id, tab]);
  const diff = useResource(tab === 'diff' ? () => client.getStepDiff(step.id) : null, [
    client,
    step.id,
    tab,
    step.status,
  ]);
  const reloadLog = useCoalesced(() => void log.reload(), 250);
  const { reload } = log;

  useLiveEvents((event) => {
    if (event.step_run_id === step.id && tab === 'log') reloadLog();
  });

  useEffect(() => {
    if (!active || tab !== 'log') return;
    const timer = setInterval(() => void reload(), LOG_POLL_MS);
    return () => clearInterval(timer);
  }, [active, tab, reload]);

  // One last read when the step settles, so the end of the log is shown.
  const lastStatus = useRef(step.status);
  useEffect(() => {
    if (lastStatus.current !== step.status && tab === 'log') void reload();
    lastStatus.current = step.status;
  }, [step.status, tab, reload]);

  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (follow && pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [log.data, follow]);

  return (
    <div className="step-viewer" aria-label={`Step ${step.step_name}`}>
      <div className="viewer-head">
        <strong>
          {step.step_index}: {step.step_name}
        </strong>
        <StatusPill status={step.status} />
        <div className="tabs" role="tablist">
          {TABS.map(([id, label]) => (
            <button
              key={id}
              type="button"
              role="tab"
              aria-selected={tab === id}
              className={tab === id ? 'active' : ''}
              onClick={() => setTab(id)}
            >
              {label}
            </button>
          ))}
        </div>
        {tab === 'log' ? (
          <label className="check small">
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
            {active ? ' (live)' : ''}
          </label>
        ) : null}
        <button
          type="button"
          className="small-button"
          onClick={() => void (tab === 'log' ? log.reload() : diff.reload())}
        >
          Reload
        </button>
      </div>
      {tab === 'log' ? (
        log.data !== undefined ? (
          <pre ref={pre} className="log" data-testid="step-log">
            {log.data || '(empty log)'}
          </pre>
        ) : log.error ? (
          <Missing error={log.error} what="log" />
        ) : (
          <p className="empty">Loading log…</p>
        )
      ) : diff.data !== undefined ? (
        <pre className="log diff" data-testid="step-diff">
          {diff.data
            ? diff.data.split('\n').map((line, index) => (
                <span key={index} className={diffLineClass(line)}>
                  {line}
                  {'\n'}
                </span>
              ))
            : '(empty diff)'}
        </pre>
      ) : diff.error ? (
        <Missing error={diff.error} what="commit" />
      ) : (
        <p className="empty">Loading diff…</p>
      )}
    </div>
  );
}
