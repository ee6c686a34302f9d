import {
  collect,
  isApiError,
  type EventOut,
  type ProtocolRunOut,
  type StepRunOut,
  type TasksGodzillaClient,
} from '@tasksgodzilla/client';
import { newestEvents } from './tui-format.js';
import {
  JOB_FILTERS,
  STEP_FILTERS,
  type ClientFactory,
  type CreateProjectInput,
  type CreateProtocolInput,
  type ImportInput,
  type SpecAuditInput,
  type StatusTone,
  type TuiSettings,
  type TuiState,
} from './tui-store.types.js';

const PROTOCOL_EVENTS = 100;
const RECENT_EVENTS = 50;
const JOBS = 50;
const LIST = 200;

export interface TuiStore {
  getState(): TuiState;
  subscribe(listener: () => void): () => void;
  /** First full refresh, then live updates over the event stream. */
  start(): Promise<void>;
  /** Stops the stream and every pending reload. */
  stop(): void;
  refreshAll(): Promise<void>;
  setStatus(text: string, tone?: StatusTone): void;

  selectProject(id: number): Promise<void>;
  selectProtocol(id: number): Promise<void>;
  selectStep(id: number): void;
  selectEvent(event: EventOut): void;
  selectBranch(branch: string): void;
  selectJob(jobId: string): void;
  loadBranches(force?: boolean): Promise<void>;
  cycleStepFilter(): void;
  cycleJobFilter(): Promise<void>;
  toggleLive(): void;
  /** Steps shown under the current filter. */
  visibleSteps(): StepRunOut[];
  selectedProtocol(): ProtocolRunOut | undefined;
  /** The selected step, else the most recently updated one (what "latest" means to a person). */
  targetStep(): StepRunOut | undefined;

  runNext(): Promise<void>;
  retryLatest(): Promise<void>;
  runQa(): Promise<void>;
  approve(): Promise<void>;
  openPr(): Promise<void>;
  startProtocol(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  cancel(): Promise<void>;
  runStep(): Promise<void>;
  createProject(input: CreateProjectInput): Promise<boolean>;
  createProtocol(input: CreateProtocolInput): Promise<boolean>;
  specAudit(input: SpecAuditInput): Promise<boolean>;
  importCodeMachine(input: ImportInput): Promise<boolean>;
  deleteBranch(): Promise<boolean>;
  retryJob(): Promise<void>;
  cancelJob(): Promise<void>;
  configure(settings: TuiSettings): void;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function initialState(settings: TuiSettings): TuiState {
  return {
    settings,
    status: { text: 'Ready', tone: 'info' },
    refreshing: false,
    live: 'off',
    liveEnabled: true,
    projects: [],
    projectId: null,
    onboarding: null,
    branches: null,
    branch: null,
    protocols: [],
    protocolId: null,
    spec: null,
    usage: null,
    steps: [],
    stepId: null,
    stepFilter: 'all',
    protocolEvents: [],
    recentEvents: [],
    event: null,
    queueStats: null,
    jobs: [],
    jobFilter: 'all',
    jobId: null,
  };
}

/** Runs `fn` once per burst of calls, `ms` after the first. */
function burst(fn: () => void, ms: number): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
  schedule.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return schedule;
}

const next = <T>(values: readonly T[], current: T): T => values[(values.indexOf(current) + 1) % values.length] as T;

/**
 * The TUI's data and actions over the api client. Screens render `getState()`; keys call the
 * methods. Every load checks that the selection it loaded for is still current, so a slow answer
 * never shows one protocol's steps under another. Live: events of the selected project and
 * protocol reload what they change.
 */
export function createTuiStore(options: { settings: TuiSettings; createClient: ClientFactory }): TuiStore {
  let state = initialState(options.settings);
  let client: TasksGodzillaClient = options.createClient(options.settings);
  const listeners = new Set<() => void>();
  let stream: AbortController | null = null;
  let lastEventId: number | null = null;
  let stopped = false;

  const set = (patch: Partial<TuiState>) => {
    state = { ...state, ...patch };
    for (const listener of [...listeners]) listener();
  };
  const setStatus = (text: string, tone: StatusTone = 'info') => set({ status: { text, tone } });
  /** Runs a loader; a failure is shown (and kept) as `Error loading <what>: …`, never thrown. */
  const load = async (what: string, fn: () => Promise<void>): Promise<boolean> => {
    try {
      await fn();
      return true;
    } catch (error) {
      setStatus(`Error loading ${what}: ${message(error)}`, 'error');
      return false;
    }
  };

  // ---- loaders ----
  const loadProjects = () =>
    load('projects', async () => {
      const projects = (await client.listProjects({ limit: LIST })).items;
      set({ projects });
      if (state.projectId !== null && !projects.some((p) => p.id === state.projectId)) clearProject();
    });

  const loadOnboarding = () =>
    load('onboarding', async () => {
      const id = state.projectId;
      if (id === null) return set({ onboarding: null });
      const onboarding = await client.getOnboarding(id);
      if (state.projectId === id) set({ onboarding });
    });

  const loadProtocols = () =>
    load('protocols', async () => {
      const id = state.projectId;
      if (id === null) return set({ protocols: [] });
      const protocols = (await client.listProtocols(id, { limit: LIST })).items;
      if (state.projectId !== id) return;
      set({ protocols });
      if (state.protocolId !== null && !protocols.some((run) => run.id === state.protocolId))
        set({ protocolId: null, steps: [], protocolEvents: [], spec: null, usage: null, stepId: null });
    });

  const loadSteps = () =>
    load('steps', async () => {
      const id = state.protocolId;
      if (id === null) return set({ steps: [] });
      const steps = await collect(client.iterate((page) => client.listSteps(id, page), { limit: 500 }));
      if (state.protocolId !== id) return;
      set({ steps, stepId: steps.some((s) => s.id === state.stepId) ? state.stepId : null });
    });

  const loadProtocolEvents = () =>
    load('events', async () => {
      const id = state.protocolId;
      if (id === null) return set({ protocolEvents: [] });
      const events = (await client.listProtocolEvents(id, { limit: PROTOCOL_EVENTS })).items;
      if (state.protocolId === id) set({ protocolEvents: newestEvents([], events, PROTOCOL_EVENTS) });
    });

  const loadSpecAndUsage = () =>
    load('spec', async () => {
      const id = state.protocolId;
      if (id === null) return set({ spec: null, usage: null });
      const optional = <T>(promise: Promise<T>) =>
        promise.catch((error: unknown) => (isApiError(error) && error.status === 404 ? null : Promise.reject(error)));
      const [spec, usage] = await Promise.all([
        optional(client.getProtocolSpec(id)),
        optional(client.getProtocolUsage(id)),
      ]);
      if (state.protocolId === id) set({ spec, usage });
    });

  const loadRecentEvents = () =>
    load('recent events', async () => {
      const id = state.projectId;
      const events = (await client.listEvents({ project_id: id ?? undefined, limit: RECENT_EVENTS })).items;
      if (state.projectId === id) set({ recentEvents: newestEvents([], events, RECENT_EVENTS) });
    });

  const loadQueue = () =>
    load('queue', async () => {
      const filter = state.jobFilter;
      const [queueStats, jobs] = await Promise.all([
        client.queueStats(),
        client.listQueueJobs({ status: filter === 'all' ? undefined : filter, limit: JOBS }),
      ]);
      if (state.jobFilter === filter) set({ queueStats, jobs: jobs.items });
    });

  const loadProtocolDetail = async () => {
    const results = await Promise.all([loadSteps(), loadProtocolEvents(), loadSpecAndUsage()]);
    return results.every(Boolean);
  };

  function clearProject(): void {
    set({
      projectId: null,
      onboarding: null,
      protocols: [],
      protocolId: null,
      steps: [],
      stepId: null,
      protocolEvents: [],
      spec: null,
      usage: null,
      branches: null,
      branch: null,
    });
  }

  // ---- live updates ----
  const reloadProjectsSoon = burst(() => void loadProjects(), 300);
  const reloadProtocolsSoon = burst(() => void loadProtocols(), 200);
  const reloadOnboardingSoon = burst(() => void loadOnboarding(), 300);
  const reloadRunSoon = burst(() => void Promise.all([loadSteps(), loadSpecAndUsage()]), 150);
  const reloadQueueSoon = burst(() => void loadQueue(), 1000);
  const timers = [reloadProjectsSoon, reloadProtocolsSoon, reloadOnboardingSoon, reloadRunSoon, reloadQueueSoon];

  const handleEvent = (event: EventOut) => {
    if (event.project_id !== null && !state.projects.some((p) => p.id === event.project_id)) reloadProjectsSoon();
    if (state.projectId === null || event.project_id === state.projectId)
      set({ recentEvents: newestEvents(state.recentEvents, [event], RECENT_EVENTS) });
    if (state.projectId !== null && event.project_id === state.projectId) {
      reloadProtocolsSoon();
      if (event.event_type.startsWith('setup') || event.protocol_run_id === state.onboarding?.protocol_run_id)
        reloadOnboardingSoon();
    }
    if (state.protocolId !== null && event.protocol_run_id === state.protocolId) {
      set({ protocolEvents: newestEvents(state.protocolEvents, [event], PROTOCOL_EVENTS) });
      reloadRunSoon();
    }
    reloadQueueSoon();
  };

  const follow = async (controller: AbortController) => {
    set({ live: 'connecting' });
    try {
      // From the newest event that exists now: nothing written while connecting is missed.
      lastEventId ??= (await client.listEvents({ limit: 1 }, { signal: controller.signal })).items[0]?.id ?? 0;
      set({ live: 'live' });
      for await (const event of client.streamEvents({ last_event_id: lastEventId, signal: controller.signal })) {
        lastEventId = event.id;
        handleEvent(event);
      }
    } catch (error) {
      if (controller.signal.aborted) return;
      set({ live: 'error' });
      setStatus(`Live updates stopped: ${message(error)}`, 'error');
    }
  };

  const startLive = () => {
    stream?.abort();
    stream = null;
    if (stopped || !state.liveEnabled) return set({ live: 'off' });
    const controller = new AbortController();
    stream = controller;
    void follow(controller);
  };

  // ---- actions ----
  const act = async <T>(
    call: () => Promise<T>,
    success: (result: T) => string,
    after: () => Promise<unknown> = async () => undefined,
  ): Promise<boolean> => {
    try {
      const result = await call();
      setStatus(success(result), 'ok');
      await after();
      return true;
    } catch (error) {
      setStatus(message(error), 'error');
      return false;
    }
  };
  const needProtocol = (): ProtocolRunOut | undefined => {
    const run = state.protocols.find((p) => p.id === state.protocolId);
    if (!run) setStatus('Select a protocol.', 'error');
    return run;
  };
  const afterStepAction = async () => {
    await Promise.all([loadSteps(), loadProtocolEvents(), loadProtocols()]);
  };
  const afterRunAction = async () => {
    await Promise.all([loadProtocols(), loadSteps(), loadProtocolEvents()]);
  };

  const store: TuiStore = {
    getState: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    setStatus,

    start: async () => {
      stopped = false;
      await store.refreshAll();
      startLive();
    },
    stop: () => {
      stopped = true;
      stream?.abort();
      stream = null;
      for (const timer of timers) timer.cancel();
    },

    refreshAll: async () => {
      if (state.refreshing) return;
      set({ refreshing: true });
      const ok = [await loadProjects()];
      if (state.projectId === null && state.projects[0]) {
        // First run: select a project so the dashboard shows something.
        set({ projectId: state.projects[0].id });
      }
      ok.push(await loadOnboarding(), await loadProtocols());
      if (state.protocolId === null && state.protocols.length > 0) {
        const newest = [...state.protocols].sort((a, b) => b.updated_at.localeCompare(a.updated_at) || b.id - a.id)[0];
        if (newest) set({ protocolId: newest.id });
      }
      ok.push(await loadProtocolDetail(), await loadRecentEvents(), await loadQueue());
      if (state.branches !== null) ok.push(await load('branches', () => fetchBranches()));
      set({ refreshing: false });
      // Load errors stay on screen: "Refreshed." never hides them.
      if (ok.every(Boolean)) setStatus('Refreshed.');
    },

    selectProject: async (id) => {
      if (state.projectId !== id) {
        clearProject();
        set({ projectId: id });
      }
      await Promise.all([loadOnboarding(), loadProtocols(), loadRecentEvents()]);
      if (state.projectId === id && state.protocolId === null && state.protocols.length > 0) {
        const newest = [...state.protocols].sort((a, b) => b.updated_at.localeCompare(a.updated_at) || b.id - a.id)[0];
        if (newest) await store.selectProtocol(newest.id);
      }
    },
    selectProtocol: async (id) => {
      if (state.protocolId !== id)
        set({ protocolId: id, steps: [], stepId: null, protocolEvents: [], spec: null, usage: null });
      await loadProtocolDetail();
    },
    selectStep: (id) => set({ stepId: id }),
    selectEvent: (event) => set({ event }),
    selectBranch: (branch) => {
      set({ branch });
      setStatus(`Selected branch ${branch}`);
    },
    selectJob: (jobId) => set({ jobId }),
    loadBranches: async (force = false) => {
      if (state.projectId === null) return setStatus('Select a project.', 'error');
      if (state.branches !== null && !force) return;
      await load('branches', () => fetchBranches());
    },
    cycleStepFilter: () => {
      const stepFilter = next(STEP_FILTERS, state.stepFilter);
      set({ stepFilter });
      setStatus(`Step filter: ${stepFilter}`);
    },
    cycleJobFilter: async () => {
      const jobFilter = next(JOB_FILTERS, state.jobFilter);
      set({ jobFilter, jobId: null });
      setStatus(`Job filter: ${jobFilter}`);
      await loadQueue();
    },
    toggleLive: () => {
      set({ liveEnabled: !state.liveEnabled });
      startLive();
      setStatus(`Live updates ${state.liveEnabled ? 'on' : 'off'}.`);
    },
    visibleSteps: () => {
      const ordered = [...state.steps].sort((a, b) => a.step_index - b.step_index || a.id - b.id);
      return state.stepFilter === 'all' ? ordered : ordered.filter((step) => step.status === state.stepFilter);
    },
    selectedProtocol: () => state.protocols.find((p) => p.id === state.protocolId),
    targetStep: () => {
      const selected = state.steps.find((s) => s.id === state.stepId);
      if (selected) return selected;
      return [...state.steps].sort(
        (a, b) => b.updated_at.localeCompare(a.updated_at) || b.step_index - a.step_index,
      )[0];
    },

    runNext: async () => {
      const run = needProtocol();
      if (run)
        await act(
          () => client.runNextStep(run.id),
          () => 'Next step enqueued.',
          afterStepAction,
        );
    },
    retryLatest: async () => {
      const run = needProtocol();
      if (run)
        await act(
          () => client.retryLatest(run.id),
          () => 'Retry enqueued.',
          afterStepAction,
        );
    },
    runQa: async () => {
      const step = store.targetStep();
      if (!step) return setStatus('No steps to QA.', 'error');
      await act(
        () => client.runStepQa(step.id),
        () => `QA enqueued for ${step.step_name}.`,
        afterStepAction,
      );
    },
    approve: async () => {
      const step = store.targetStep();
      if (!step) return setStatus('No steps to approve.', 'error');
      await act(
        () => client.approveStep(step.id),
        () => `Approved ${step.step_name}.`,
        afterStepAction,
      );
    },
    openPr: async () => {
      const run = needProtocol();
      if (run)
        await act(
          () => client.openPr(run.id),
          () => 'Open PR job enqueued.',
          afterRunAction,
        );
    },
    startProtocol: async () => {
      const run = needProtocol();
      if (run)
        await act(
          () => client.startProtocol(run.id),
          () => 'Planning enqueued.',
          afterRunAction,
        );
    },
    pause: async () => {
      const run = needProtocol();
      if (run)
        await act(
          () => client.pauseProtocol(run.id),
          () => 'Protocol paused.',
          afterRunAction,
        );
    },
    resume: async () => {
      const run = needProtocol();
      if (run)
        await act(
          () => client.resumeProtocol(run.id),
          () => 'Protocol resumed.',
          afterRunAction,
        );
    },
    cancel: async () => {
      const run = needProtocol();
      if (run)
        await act(
          () => client.cancelProtocol(run.id),
          () => 'Protocol cancelled.',
          afterRunAction,
        );
    },
    runStep: async () => {
      const step = state.steps.find((s) => s.id === state.stepId);
      if (!step) return setStatus('Select a step.', 'error');
      await act(
        () => client.runStep(step.id),
        () => 'Step enqueued.',
        afterStepAction,
      );
    },

    createProject: async (input) => {
      try {
        const project = await client.createProject({
          name: input.name.trim(),
          git_url: input.gitUrl.trim(),
          base_branch: input.baseBranch.trim() || 'main',
          ...(input.localPath.trim() ? { local_path: input.localPath.trim() } : {}),
          ci_provider: input.ciProvider === 'github' || input.ciProvider === 'gitlab' ? input.ciProvider : null,
        });
        await loadProjects();
        await store.selectProject(project.id);
        setStatus(`Created project ${project.id}.`, 'ok');
        return true;
      } catch (error) {
        setStatus(`Create project failed: ${message(error)}`, 'error');
        return false;
      }
    },
    createProtocol: async (input) => {
      const projectId = state.projectId;
      if (projectId === null) {
        setStatus('Select a project.', 'error');
        return false;
      }
      let created: ProtocolRunOut;
      try {
        created = await client.createProtocol(projectId, {
          protocol_name: input.name.trim(),
          base_branch: input.baseBranch.trim() || 'main',
          description: input.description.trim() || null,
          template: input.template.trim() || null,
          auto_advance: input.autoAdvance,
        });
      } catch (error) {
        setStatus(`Create protocol failed: ${message(error)}`, 'error');
        return false;
      }
      await loadProtocols();
      await store.selectProtocol(created.id);
      if (!input.start) {
        setStatus(`Created protocol ${created.id}.`, 'ok');
        return true;
      }
      return act(
        () => client.startProtocol(created.id),
        () => `Created protocol ${created.id}. Protocol ${created.id} queued for planning.`,
        afterRunAction,
      );
    },
    specAudit: (input) =>
      act(
        () =>
          client.auditSpecs({
            project_id: input.projectId,
            protocol_id: input.protocolId,
            backfill: input.backfill,
            interval_seconds: input.intervalSeconds,
          }),
        () => 'Spec audit enqueued.',
        loadRecentEvents,
      ).then((ok) => {
        if (!ok) setStatus(`Spec audit failed: ${state.status.text}`, 'error');
        return ok;
      }),
    importCodeMachine: async (input) => {
      const projectId = state.projectId;
      if (projectId === null) {
        setStatus('Select a project.', 'error');
        return false;
      }
      try {
        const result = await client.importCodeMachine(projectId, {
          protocol_name: input.name.trim(),
          workspace_path: input.workspacePath.trim(),
          base_branch: input.baseBranch.trim() || 'main',
          description: input.description.trim() || null,
          enqueue: input.enqueue,
        });
        await loadProtocols();
        await store.selectProtocol(result.protocol_run.id);
        setStatus(result.message, 'ok');
        return true;
      } catch (error) {
        setStatus(`Import failed: ${message(error)}`, 'error');
        return false;
      }
    },
    deleteBranch: async () => {
      const projectId = state.projectId;
      const branch = state.branch;
      if (projectId === null || !branch) {
        setStatus('Select a branch.', 'error');
        return false;
      }
      try {
        await client.deleteBranch(projectId, branch, { confirm: true });
        set({ branch: null });
        setStatus(`Deleted branch ${branch}.`, 'ok');
        await load('branches', () => fetchBranches());
        return true;
      } catch (error) {
        setStatus(`Delete failed: ${message(error)}`, 'error');
        return false;
      }
    },
    retryJob: async () => {
      const jobId = state.jobId;
      if (!jobId) return setStatus('Select a job.', 'error');
      await act(
        () => client.retryJob(jobId),
        () => `Job ${jobId} re-enqueued.`,
        loadQueue,
      );
    },
    cancelJob: async () => {
      const jobId = state.jobId;
      if (!jobId) return setStatus('Select a job.', 'error');
      await act(
        () => client.cancelJob(jobId),
        (result) => `${result.message}: ${jobId}.`,
        loadQueue,
      );
    },
    configure: (settings) => {
      client = options.createClient(settings);
      lastEventId = null;
      set({ settings });
      setStatus(`Updated API base to ${settings.apiBase}`, 'ok');
      startLive();
      void store.refreshAll();
    },
  };

  async function fetchBranches(): Promise<void> {
    const id = state.projectId;
    if (id === null) return;
    const { branches } = await client.listBranches(id);
    if (state.projectId === id) set({ branches, branch: branches.includes(state.branch ?? '') ? state.branch : null });
  }

  return store;
}
