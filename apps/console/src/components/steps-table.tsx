import { stepActions, type ProtocolRunOut, type StepRunOut } from '@tasksgodzilla/client';
import { useConsole } from '../console-context.js';
import { useAction } from '../hooks/use-action.js';
import { policyLabel, runtimeStateLabel } from '../lib/format.js';
import { Empty, TableHead } from './panel.js';
import { StatusPill } from './pill.js';

/** A step's action button: name (busy key), label, enabled, the api call, its success message. */
type StepButton = readonly [
  name: string,
  label: string,
  enabled: boolean,
  call: () => Promise<unknown>,
  success: string,
];

export interface StepsTableProps {
  run: ProtocolRunOut;
  steps: StepRunOut[];
  selectedId: number | null;
  onSelect(stepId: number): void;
  onChanged(): void;
}

/** Steps with policy and runtime state, each with its run / QA / approve actions. */
export function StepsTable({ run, steps, selectedId, onSelect, onChanged }: StepsTableProps) {
  const { client } = useConsole();
  const { busy, run: act } = useAction();
  if (steps.length === 0) return <Empty>No steps yet{run.status === 'planning' ? ' (planning…)' : ''}.</Empty>;
  const ordered = [...steps].sort((a, b) => a.step_index - b.step_index || a.id - b.id);
  return (
    <table className="table clickable" aria-label="Steps">
      <TableHead columns={['#', 'Name', 'Status', 'Model', 'Engine', 'Policy', 'State', 'Summary', 'Actions']} />
      <tbody>
        {ordered.map((step) => {
          const can = stepActions(run.status, step);
          const buttons: readonly StepButton[] = [
            ['run', 'Run', can.run, () => client.runStep(step.id), `Step ${step.step_name} enqueued.`],
            ['qa', 'QA', can.runQa, () => client.runStepQa(step.id), `QA enqueued for ${step.step_name}.`],
            ['approve', 'Approve', can.approve, () => client.approveStep(step.id), `Step ${step.step_name} approved.`],
          ];
          return (
            <tr
              key={step.id}
              className={step.id === selectedId ? 'selected' : ''}
              onClick={() => onSelect(step.id)}
              aria-selected={step.id === selectedId}
              data-testid={`step-row-${step.step_index}`}
            >
              <td className="num">{step.step_index}</td>
              <td>{step.step_name}</td>
              <td>
                <StatusPill status={step.status} testId={`step-status-${step.step_index}`} />
              </td>
              <td>{step.model ?? '-'}</td>
              <td>{step.engine_id ?? 'default'}</td>
              <td className="small">{policyLabel(step.policy)}</td>
              <td className="small">{runtimeStateLabel(step.runtime_state)}</td>
              <td className="small">{step.summary ?? ''}</td>
              <td className="nowrap">
                {buttons.map(([name, label, enabled, call, success]) => (
                  <button
                    key={name}
                    type="button"
                    className="small-button"
                    disabled={!enabled || busy !== null}
                    onClick={(event) => {
                      // The row's own click selects the step; a button only acts.
                      event.stopPropagation();
                      void act(`${name}-${step.id}`, call, success, onChanged);
                    }}
                  >
                    {label}
                  </button>
                ))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
