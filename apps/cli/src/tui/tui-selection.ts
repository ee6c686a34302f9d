import { latestStep, type EventOut, type ProtocolRunOut, type StepRunOut } from '@tasksgodzilla/client';
import type { TuiLoaders } from './tui-loaders.js';
import type { StoreCore } from './tui-store-core.js';
import { JOB_FILTERS, STEP_FILTERS } from './tui-store.types.js';

/** What is selected and how lists are filtered. */
export interface TuiSelection {
  selectProject(id: number): Promise<void>;
  selectProtocol(id: number): Promise<void>;
  selectStep(id: number): void;
  selectEvent(event: EventOut): void;
  selectBranch(branch: string): void;
  selectJob(jobId: string): void;
  /** Loads the project's branches once (again with `force`). */
  loadBranches(force?: boolean): Promise<void>;
  cycleStepFilter(): void;
  cycleJobFilter(): Promise<void>;
  /** Steps shown under the current filter, in step order. */
  visibleSteps(): StepRunOut[];
  selectedProtocol(): ProtocolRunOut | undefined;
  /** The selected step, else the latest one (client's `latestStep`: what "latest" means to a person). */
  targetStep(): StepRunOut | undefined;
}

const next = <T>(values: readonly T[], current: T): T => values[(values.indexOf(current) + 1) % values.length] as T;

/** The protocol a person most likely wants to see: the most recently updated (ties: the newest). */
export function newestProtocol(protocols: readonly ProtocolRunOut[]): ProtocolRunOut | undefined {
  return [...protocols].sort((a, b) => b.updated_at.localeCompare(a.updated_at) || b.id - a.id)[0];
}

export function createTuiSelection(core: StoreCore, loaders: TuiLoaders): TuiSelection {
  const { getState: state, set, setStatus } = core;

  const selection: TuiSelection = {
    selectProject: async (id) => {
      if (state().projectId !== id) {
        loaders.clearProject();
        set({ projectId: id });
      }
      await Promise.all([loaders.onboarding(), loaders.protocols(), loaders.recentEvents()]);
      const now = state();
      if (now.projectId === id && now.protocolId === null) {
        const newest = newestProtocol(now.protocols);
        if (newest) await selection.selectProtocol(newest.id);
      }
    },
    selectProtocol: async (id) => {
      if (state().protocolId !== id)
        set({ protocolId: id, steps: [], stepId: null, protocolEvents: [], spec: null, usage: null });
      await loaders.protocolDetail();
    },
    selectStep: (id) => set({ stepId: id }),
    selectEvent: (event) => set({ event }),
    selectBranch: (branch) => {
      set({ branch });
      setStatus(`Selected branch ${branch}`);
    },
    selectJob: (jobId) => set({ jobId }),
    loadBranches: async (force = false) => {
      if (state().projectId === null) return setStatus('Select a project.', 'error');
      if (state().branches !== null && !force) return;
      await loaders.branches();
    },
    cycleStepFilter: () => {
      const stepFilter = next(STEP_FILTERS, state().stepFilter);
      set({ stepFilter });
      setStatus(`Step filter: ${stepFilter}`);
    },
    cycleJobFilter: async () => {
      const jobFilter = next(JOB_FILTERS, state().jobFilter);
      set({ jobFilter, jobId: null });
      setStatus(`Job filter: ${jobFilter}`);
      await loaders.queue();
    },
    visibleSteps: () => {
      const { steps, stepFilter } = state();
      const ordered = [...steps].sort((a, b) => a.step_index - b.step_index || a.id - b.id);
      return stepFilter === 'all' ? ordered : ordered.filter((step) => step.status === stepFilter);
    },
    selectedProtocol: () => state().protocols.find((p) => p.id === state().protocolId),
    targetStep: () => {
      const { steps, stepId } = state();
      return steps.find((s) => s.id === stepId) ?? latestStep(steps);
    },
  };
  return selection;
}
