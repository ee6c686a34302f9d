import { eventGroup } from '@tasksgodzilla/client';
import { useMemo } from 'react';
import { useConsole } from '../console-context.js';
import { useCoalesced, useLiveEvents } from '../hooks/use-live-events.js';
import { useResource } from '../hooks/use-resource.js';
import { carriesUsage } from '../lib/events.js';
import { serverObservability } from '../lib/metrics.js';
import { PassRate, UsageBars } from './bars.js';
import { Empty, LoadError, Panel, RefreshButton } from './panel.js';

/** Server-wide QA pass rate, tokens and cost per phase and model, from /metrics (live). */
export function ObservabilityPanel() {
  const { client } = useConsole();
  const metrics = useResource(() => client.metrics(), [client]);
  const data = useMemo(() => (metrics.data ? serverObservability(metrics.data) : undefined), [metrics.data]);
  const reloadSoon = useCoalesced(() => void metrics.reload(), 2000);
  useLiveEvents((event) => {
    if (eventGroup(event) === 'qa' || carriesUsage(event)) reloadSoon();
  });
  return (
    <Panel title="Observability (all runs)" actions={<RefreshButton onRefresh={() => void metrics.reload()} />}>
      <LoadError error={metrics.error} />
      {!data ? null : (
        <>
          {data.total > 0 ? (
            <PassRate pass={data.pass} total={data.total} verdicts={data.verdicts} />
          ) : (
            <Empty>QA metrics not yet available. Trigger QA to see verdict counts.</Empty>
          )}
          {data.byPhase.length > 0 ? (
            <>
              <UsageBars label="Phase" rows={data.byPhase} />
              <UsageBars label="Model" rows={data.byModel} />
            </>
          ) : (
            <Empty>Token usage metrics not yet available.</Empty>
          )}
        </>
      )}
    </Panel>
  );
}
