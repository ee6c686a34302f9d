import type { ProtocolRunOut } from '@tasksgodzilla/client';
import type { TuiLoaders } from './tui-loaders.js';
import type { TuiSelection } from './tui-selection.js';
import type { StoreCore } from './tui-store-core.js';

/** The names of the run, step and job actions of the keys. */
export type TuiActionName =
  | 'runNext'
  | 'retryLatest'
  | 'runQa'
  | 'approve'
  | 'openPr'
  | 'startProtocol'
  | 'pause'
  | 'resume'
  | 'cancel'
  | 'runStep'
  | 'retryJob'
  | 'cancelJob';

/** The run, step and job actions of the keys: one api call each, its status message, then reloads. */
export type TuiActions = Record<TuiActionName, () => Promise<void>>;

export function createTuiActions(core: StoreCore, loaders: TuiLoaders, selection: TuiSelection): TuiActions {
  const { getState: state, setStatus, act, client } = core;

  const afterStepAction = () => Promise.all([loaders.steps(), loaders.protocolEvents(), loaders.protocols()]);
  const afterRunAction = () => Promise.all([loaders.protocols(), loaders.steps(), loaders.protocolEvents()]);

  /** An action on the selected protocol ("Select a protocol." without one). */
  const onRun =
    (call: (run: ProtocolRunOut) => Promise<unknown>, success: string, after: () => Promise<unknown>) => async () => {
      const run = selection.selectedProtocol();
      if (!run) return setStatus('Select a protocol.', 'error');
      await act(
        () => call(run),
        () => success,
        after,
      );
    };

  return {
    runNext: onRun((run) => client().runNextStep(run.id), 'Next step enqueued.', afterStepAction),
    retryLatest: onRun((run) => client().retryLatest(run.id), 'Retry enqueued.', afterStepAction),
    openPr: onRun((run) => client().openPr(run.id), 'Open PR job enqueued.', afterRunAction),
    startProtocol: onRun((run) => client().startProtocol(run.id), 'Planning enqueued.', afterRunAction),
    pause: onRun((run) => client().pauseProtocol(run.id), 'Protocol paused.', afterRunAction),
    resume: onRun((run) => client().resumeProtocol(run.id), 'Protocol resumed.', afterRunAction),
    cancel: onRun((run) => client().cancelProtocol(run.id), 'Protocol cancelled.', afterRunAction),

    runQa: async () => {
      const step = selection.targetStep();
      if (!step) return setStatus('No steps to QA.', 'error');
      await act(
        () => client().runStepQa(step.id),
        () => `QA enqueued for ${step.step_name}.`,
        afterStepAction,
      );
    },
    approve: async () => {
      const step = selection.targetStep();
      if (!step) return setStatus('No steps to approve.', 'error');
      await act(
        () => client().approveStep(step.id),
        () => `Approved ${step.step_name}.`,
        afterStepAction,
      );
    },
    runStep: async () => {
      const step = state().steps.find((s) => s.id === state().stepId);
      if (!step) return setStatus('Select a step.', 'error');
      await act(
        () => client().runStep(step.id),
        () => 'Step enqueued.',
        afterStepAction,
      );
    },

    retryJob: async () => {
      const jobId = state().jobId;
      if (!jobId) return setStatus('Select a job.', 'error');
      await act(
        () => client().retryJob(jobId),
        () => `Job ${jobId} re-enqueued.`,
        loaders.queue,
      );
    },
    cancelJob: async () => {
      const jobId = state().jobId;
      if (!jobId) return setStatus('Select a job.', 'error');
      await act(
        () => client().cancelJob(jobId),
        (result) => `${result.message}: ${jobId}.`,
        loaders.queue,
      );
    },
  };
}
