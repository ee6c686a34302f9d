import { latestStep, runActions, type ProtocolRunOut, type StepRunOut } from '@tasksgodzilla/client';
import { useConsole } from '../console-context.js';
import { useAction } from '../hooks/use-action.js';

/** A run action button: name (busy key), label, enabled, the action, class and tooltip. */
type RunButton = readonly [
  name: string,
  label: string,
  enabled: boolean,
  action: (name: string) => Promise<unknown>,
  className?: string,
  title?: string,
];

export interface RunActionsProps {
  run: ProtocolRunOut;
  steps: StepRunOut[];
  /** An action answered with the run itself (pause, resume, cancel). */
  onRun(run: ProtocolRunOut): void;
  /** Reload run and steps after an action that only enqueued work. */
  onChanged(): void;
}

/** The run's action buttons, enabled from the run's current status (reloaded on every event). */
export function RunActions({ run, steps, onRun, onChanged }: RunActionsProps) {
  const { client } = useConsole();
  const { busy, run: act } = useAction();
  const can = runActions(run, steps);
  const latest = latestStep(steps);
  // Each action, given its name (the busy key): an api call, its toast, then what reloads.
  const enqueue = (call: () => Promise<unknown>, success: string) => (name: string) =>
    act(name, call, success, onChanged);
  const change = (call: () => Promise<ProtocolRunOut>, success: string) => (name: string) =>
    act(name, call, success, onRun);
  const onLatest = (call: (step: StepRunOut) => Promise<unknown>, success: (step: StepRunOut) => string) =>
    latest ? enqueue(() => call(latest), success(latest)) : () => Promise.resolve();
  const latestTitle = latest ? `Latest step: ${latest.step_name}` : undefined;
  const buttons: readonly RunButton[] = [
    ['start', 'Start planning', can.start, enqueue(() => client.startProtocol(run.id), 'Planning enqueued.')],
    ['runNext', 'Run next step', can.runNext, enqueue(() => client.runNextStep(run.id), 'Next step enqueued.')],
    ['retry', 'Retry failed step', can.retry, enqueue(() => client.retryLatest(run.id), 'Retry enqueued.')],
    [
      'qa',
      'Run QA on latest',
      can.qaLatest,
      onLatest(
        (step) => client.runStepQa(step.id),
        (step) => `QA enqueued for ${step.step_name}.`,
      ),
      '',
      latestTitle,
    ],
    [
      'approve',
      'Approve latest',
      can.approveLatest,
      onLatest(
        (step) => client.approveStep(step.id),
        (step) => `Step ${step.step_name} approved.`,
      ),
      '',
      latestTitle,
    ],
    ['openPr', 'Open PR/MR now', can.openPr, enqueue(() => client.openPr(run.id), 'PR/MR job enqueued.')],
    ['pause', 'Pause', can.pause, change(() => client.pauseProtocol(run.id), 'Protocol paused.')],
    ['resume', 'Resume', can.resume, change(() => client.resumeProtocol(run.id), 'Protocol resumed.')],
    ['cancel', 'Cancel', can.cancel, change(() => client.cancelProtocol(run.id), 'Protocol cancelled.'), 'danger'],
  ];
  return (
    <div className="actions" role="toolbar" aria-label="Run actions">
      {buttons.map(([name, label, enabled, action, className = '', title]) => (
        <button
          key={name}
          type="button"
          className={className}
          title={title}
          disabled={!enabled || busy !== null}
          onClick={() => void action(name)}
        >
          {busy === name ? `${label}…` : label}
        </button>
      ))}
      <button type="button" onClick={onChanged}>
        Refresh
      </button>
    </div>
  );
}
