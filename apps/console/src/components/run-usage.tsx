import type { EventOut, ProtocolUsageOut } from '@tasksgodzilla/client';
import { qaCounts } from '../lib/events.js';
import { formatTokens, formatUsd } from '../lib/format.js';
import { PassRate, UsageBars } from './bars.js';
import { Empty, LoadError } from './panel.js';

/** Cost of the run (total and per step) and its observability: QA pass rate, tokens and cost per phase and model. */
export function RunUsage({
  usage,
  error,
  events,
}: {
  usage: ProtocolUsageOut | undefined;
  error: unknown;
  events: EventOut[];
}) {
  const qa = qaCounts(events);
  const verdicts = [
    { verdict: 'PASS', count: qa.pass },
    { verdict: 'FAIL', count: qa.fail },
    { verdict: 'ERROR', count: qa.error },
  ].filter((row) => row.count > 0);
  const steps = usage?.by_step ?? [];
  return (
    <div className="run-usage">
      <LoadError error={error} />
      <div className="totals">
        <div>
          <span className="muted small">Run cost</span>
          <strong data-testid="run-cost">{usage ? formatUsd(usage.cost_usd) : '-'}</strong>
        </div>
        <div>
          <span className="muted small">Tokens</span>
          <strong>{usage ? formatTokens(usage.tokens) : '-'}</strong>
        </div>
        <div>
          <span className="muted small">QA verdicts</span>
          <strong>{qa.total}</strong>
        </div>
      </div>
      {qa.total > 0 ? (
        <PassRate pass={qa.pass} total={qa.total} verdicts={verdicts} />
      ) : (
        <Empty>No QA verdicts for this run yet.</Empty>
      )}
      {usage && usage.by_phase.length > 0 ? (
        <UsageBars
          label="Phase"
          rows={usage.by_phase.map((row) => ({ key: row.phase, tokens: row.tokens, costUsd: row.cost_usd }))}
        />
      ) : null}
      {usage && usage.by_model.length > 0 ? (
        <UsageBars
          label="Model"
          rows={usage.by_model.map((row) => ({ key: modelLabel(row), tokens: row.tokens, costUsd: row.cost_usd }))}
        />
      ) : null}
      {steps.length > 0 ? (
        <UsageBars
          label="Step"
          rows={steps.map((row) => ({ key: row.step_name, tokens: row.tokens, costUsd: row.cost_usd }))}
        />
      ) : null}
    </div>
  );
}

/** "<model> (<engine>) · <phase>": the api reports usage per phase, model and engine. */
function modelLabel(row: { model: string | null; phase?: unknown; engine_id?: unknown }): string {
  const engine = typeof row.engine_id === 'string' ? ` (${row.engine_id})` : '';
  const phase = typeof row.phase === 'string' ? ` · ${row.phase}` : '';
  return `${row.model ?? 'default model'}${engine}${phase}`;
}
