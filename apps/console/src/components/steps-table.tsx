import { stepActions, type ProtocolRunOut, type StepRunOut } from '@tasksgodzilla/client';
import { useConsole } from '../console-context.js';
import { useAction } from '../hooks/use-action.js';
import { policyLabel, runtimeStateLabel } from '../lib/format.js';
import { Empty } from './panel.js';
import { StatusPill } from './pill.js';

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
      <thead>
        <tr>
          <th>#</th>
          <th>Name</th>
          <th>Status</th>
          <th>Model</th>
          <th>Engine</th>
          <th>Policy</th>
          <th>State</th>
          <th>Summary</th>
          <th>Actions</th>
        </tr>
      </thead>
      <tbody>
        {ordered.map((step) => {
          const can = stepActions(run.status, step);
          const stop = (action: () => void) => (event: { stopPropagation(): void }) => {
            event.stopPropagation();
            action();
          };
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
                <button
                  type="button"
                  className="small-button"
                  disabled={!can.run || busy !== null}
                  onClick={stop(
                    () =>
                      void act(
                        `run-${step.id}`,
                        () => client.runStep(step.id),
                        `Step ${step.step_name} enqueued.`,
                        onChanged,
                      ),
                  )}
                >
                  Run
                </button>
                <button
                  type="button"
                  className="small-button"
                  disabled={!can.runQa || busy !== null}
                  onClick={stop(
                    () =>
                      void act(
                        `qa-${step.id}`,
                        () => client.runStepQa(step.id),
                        `QA enqueued for ${step.step_name}.`,
                        onChanged,
                      ),
                  )}
                >
                  QA
                </button>
                <button
                  type="button"
                  className="small-button"
                  disabled={!can.approve || busy !== null}
                  onClick={stop(
                    () =>
                      void act(
                        `approve-${step.id}`,
                        () => client.approveStep(step.id),
                        `Step ${step.step_name} approved.`,
                        onChanged,
                      ),
                  )}
                >
                  Approve
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
