import { collect, mergeEvents, type ProtocolRunOut } from '@tasksgodzilla/client';
import { useCallback, useEffect, useState } from 'react';
import { useConsole } from '../console-context.js';
import { useCoalesced, useLiveEvents } from '../hooks/use-live-events.js';
import { useResource } from '../hooks/use-resource.js';
import { formatTime, shortHash } from '../lib/format.js';
import { templateLine } from '../lib/run-info.js';
import { CiHint } from './ci-hint.js';
import { Empty, LoadError, Panel } from './panel.js';
import { Pill, StatusPill } from './pill.js';
import { RunActions } from './run-actions.js';
import { RunEvents } from './run-events.js';
import { RunUsage } from './run-usage.js';
import { StepViewer } from './step-viewer.js';
import { StepQuestions } from './step-question.js';
import { StepsTable } from './steps-table.js';

const EVENTS_LOADED = 200;

/**
 * One run: header, actions, steps (with a log and diff viewer), cost and events. Run, steps and
 * cost are loaded again on every event of the run from the live stream, so status and buttons
 * always match the server.
 */
export function RunDetail({
  runId,
  apiBase,
  onRunChanged,
}: {
  runId: number;
  apiBase: string;
  onRunChanged(run: ProtocolRunOut): void;
}) {
  const { client, notify } = useConsole();
  const run = useResource(() => client.getProtocol(runId), [client, runId]);
  const steps = useResource(
    () => collect(client.iterate((page) => client.listSteps(runId, page), { limit: 500 })),
    [client, runId],
  );
  const events = useResource(
    async () => (await client.listProtocolEvents(runId, { limit: EVENTS_LOADED })).items,
    [client, runId],
  );
  const usage = useResource(() => client.getProtocolUsage(runId), [client, runId]);
  const [stepId, setStepId] = useState<number | null>(null);
  const [copied, setCopied] = useState(false);

  const refresh = useCallback(() => {
    void run.reload();
    void steps.reload();
  }, [run.reload, steps.reload]);
  const refreshSoon = useCoalesced(refresh, 150);
  const refreshUsage = useCoalesced(() => void usage.reload(), 1000);

  useLiveEvents((event) => {
    if (event.protocol_run_id !== runId) return;
    events.setData((current) => mergeEvents(current ?? [], [event], EVENTS_LOADED));
    refreshSoon();
    refreshUsage();
  });

  const current = run.data;
  useEffect(() => {
    if (current) onRunChanged(current);
  }, [current, onRunChanged]);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);

  if (!current) {
    return (
      <Panel title="Run detail">{run.error ? <LoadError error={run.error} /> : <Empty>Loading run…</Empty>}</Panel>
    );
  }

  const stepList = steps.data ?? [];
  const selectedStep = stepList.find((step) => step.id === stepId);
  const template = templateLine(current);
  const copyHash = async () => {
    if (!current.spec_hash) return;
    try {
      await navigator.clipboard.writeText(current.spec_hash);
      notify(`Copied spec hash ${shortHash(current.spec_hash, 12)}`, 'toast');
      setCopied(true);
    } catch (error) {
      notify(`Could not copy: ${error instanceof Error ? error.message : String(error)}`, 'error');
    }
  };

  return (
    <Panel title="Run detail" className="run-detail">
      <div className="run-head">
        <div>
          <h3 data-testid="run-name">{current.protocol_name}</h3>
          {current.description ? <p className="muted">{current.description}</p> : null}
          {template ? <p className="muted small">{template}</p> : null}
          <p className="muted small">
            branch {current.branch_name ?? '-'} · base {current.base_branch} ·{' '}
            {current.auto_advance ? 'auto-advance on' : 'auto-advance off'} · updated {formatTime(current.updated_at)}
          </p>
        </div>
        <div className="run-badges">
          <StatusPill status={current.status} testId="run-status" />
          {current.spec_hash ? (
            <span className="spec">
              <Pill tone={current.spec_validation_status === 'invalid' ? 'bad' : 'ok'}>
                spec {shortHash(current.spec_hash)} · {current.spec_validation_status ?? 'unknown'} ·{' '}
                {formatTime(current.spec_validated_at)}
              </Pill>
              <button type="button" className="small-button" onClick={() => void copyHash()}>
                Copy
              </button>
              {copied ? <span className="muted small">Copied!</span> : null}
            </span>
          ) : (
            <Pill>spec: n/a</Pill>
          )}
        </div>
      </div>
      <RunActions
        run={current}
        steps={stepList}
        onRun={(updated) => {
          run.setData(() => updated);
          void steps.reload();
        }}
        onChanged={refresh}
      />
      <LoadError error={steps.error} />
      <StepQuestions steps={stepList} onAnswered={refresh} />
      <h4>Steps</h4>
      <StepsTable run={current} steps={stepList} selectedId={stepId} onSelect={setStepId} onChanged={refresh} />
      {selectedStep ? (
        <StepViewer step={selectedStep} />
      ) : stepList.length > 0 ? (
        <p className="muted small">Select a step to follow its log and see its diff.</p>
      ) : null}
      <h4>Cost &amp; observability</h4>
      <RunUsage usage={usage.data} error={usage.error} events={events.data ?? []} />
      <h4>Events</h4>
      <LoadError error={events.error} />
      <RunEvents events={events.data ?? []} />
      <CiHint apiBase={apiBase} />
    </Panel>
  );
}
