import { latestStep, runActions, type ProtocolRunOut, type StepRunOut } from '@tasksgodzilla/client';
import { useConsole } from '../console-context.js';
import { useAction } from '../hooks/use-action.js';

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
  const button = (
    name: string,
    label: string,
    enabled: boolean,
    action: () => Promise<unknown>,
    className = '',
    title?: string,
  ) => (
    <button
      type="button"
      className={className}
      title={title}
      disabled={!enabled || busy !== null}
      onClick={() => void action()}
    >
      {busy === name ? `${label}…` : label}
    </button>
  );
  return (
    <div className="actions" role="toolbar" aria-label="Run actions">
      {button('start', 'Start planning', can.start, () =>
        act('start', () => client.startProtocol(run.id), 'Planning enqueued.', onChanged),
      )}
      {button('runNext', 'Run next step', can.runNext, () =>
        act('runNext', () => client.runNextStep(run.id), 'Next step enqueued.', onChanged),
      )}
      {button('retry', 'Retry failed step', can.retry, () =>
        act('retry', () => client.retryLatest(run.id), 'Retry enqueued.', onChanged),
      )}
      {button(
        'qa',
        'Run QA on latest',
        can.qaLatest,
        () =>
          latest
            ? act('qa', () => client.runStepQa(latest.id), `QA enqueued for ${latest.step_name}.`, onChanged)
            : Promise.resolve(),
        '',
        latest ? `Latest step: ${latest.step_name}` : undefined,
      )}
      {button(
        'approve',
        'Approve latest',
        can.approveLatest,
        () =>
          latest
            ? act('approve', () => client.approveStep(latest.id), `Step ${latest.step_name} approved.`, onChanged)
            : Promise.resolve(),
        '',
        latest ? `Latest step: ${latest.step_name}` : undefined,
      )}
      {button('openPr', 'Open PR/MR now', can.openPr, () =>
        act('openPr', () => client.openPr(run.id), 'PR/MR job enqueued.', onChanged),
      )}
      {button('pause', 'Pause', can.pause, () =>
        act('pause', () => client.pauseProtocol(run.id), 'Protocol paused.', onRun),
      )}
      {button('resume', 'Resume', can.resume, () =>
        act('resume', () => client.resumeProtocol(run.id), 'Protocol resumed.', onRun),
      )}
      {button(
        'cancel',
        'Cancel',
        can.cancel,
        () => act('cancel', () => client.cancelProtocol(run.id), 'Protocol cancelled.', onRun),
        'danger',
      )}
      <button type="button" onClick={onChanged}>
        Refresh
      </button>
    </div>
  );
}
