import { collect, isApiError, mergeEvents } from '@tasksgodzilla/client';
import { LIMITS, type StoreCore } from './tui-store-core.js';

/**
 * What the TUI reads from the api. Every load checks that the selection it loaded for is still
 * current, so a slow answer never shows one protocol's steps under another. Failures go to the
 * status line (`Error loading …`) and resolve false.
 */
export interface TuiLoaders {
  projects(): Promise<boolean>;
  onboarding(): Promise<boolean>;
  protocols(): Promise<boolean>;
  steps(): Promise<boolean>;
  protocolEvents(): Promise<boolean>;
  specAndUsage(): Promise<boolean>;
  recentEvents(): Promise<boolean>;
  queue(): Promise<boolean>;
  branches(): Promise<boolean>;
  /** Steps, events, spec and usage of the selected protocol. */
  protocolDetail(): Promise<boolean>;
  /** Forgets the selected project and everything under it. */
  clearProject(): void;
}

export function createTuiLoaders(core: StoreCore): TuiLoaders {
  const { getState: state, set, load, client } = core;

  const clearProject = () =>
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

  const loaders: TuiLoaders = {
    clearProject,
    projects: () =>
      load('projects', async () => {
        const projects = (await client().listProjects({ limit: LIMITS.list })).items;
        set({ projects });
        const { projectId } = state();
        if (projectId !== null && !projects.some((p) => p.id === projectId)) clearProject();
      }),

    onboarding: () =>
      load('onboarding', async () => {
        const id = state().projectId;
        if (id === null) return set({ onboarding: null });
        const onboarding = await client().getOnboarding(id);
        if (state().projectId === id) set({ onboarding });
      }),

    protocols: () =>
      load('protocols', async () => {
        const id = state().projectId;
        if (id === null) return set({ protocols: [] });
        const protocols = (await client().listProtocols(id, { limit: LIMITS.list })).items;
        if (state().projectId !== id) return;
        set({ protocols });
        const { protocolId } = state();
        if (protocolId !== null && !protocols.some((run) => run.id === protocolId))
          set({ protocolId: null, steps: [], protocolEvents: [], spec: null, usage: null, stepId: null });
      }),

    steps: () =>
      load('steps', async () => {
        const id = state().protocolId;
        if (id === null) return set({ steps: [] });
        const api = client();
        const steps = await collect(api.iterate((page) => api.listSteps(id, page), { limit: 500 }));
        if (state().protocolId !== id) return;
        const { stepId } = state();
        set({ steps, stepId: steps.some((s) => s.id === stepId) ? stepId : null });
      }),

    protocolEvents: () =>
      load('events', async () => {
        const id = state().protocolId;
        if (id === null) return set({ protocolEvents: [] });
        const events = (await client().listProtocolEvents(id, { limit: LIMITS.protocolEvents })).items;
        if (state().protocolId === id) set({ protocolEvents: mergeEvents([], events, LIMITS.protocolEvents) });
      }),

    specAndUsage: () =>
      load('spec', async () => {
        const id = state().protocolId;
        if (id === null) return set({ spec: null, usage: null });
        const optional = <T>(promise: Promise<T>) =>
          promise.catch((error: unknown) => (isApiError(error) && error.status === 404 ? null : Promise.reject(error)));
        const api = client();
        const [spec, usage] = await Promise.all([
          optional(api.getProtocolSpec(id)),
          optional(api.getProtocolUsage(id)),
        ]);
        if (state().protocolId === id) set({ spec, usage });
      }),

    recentEvents: () =>
      load('recent events', async () => {
        const id = state().projectId;
        const events = (await client().listEvents({ project_id: id ?? undefined, limit: LIMITS.recentEvents })).items;
        if (state().projectId === id) set({ recentEvents: mergeEvents([], events, LIMITS.recentEvents) });
      }),

    queue: () =>
      load('queue', async () => {
        const filter = state().jobFilter;
        const api = client();
        const [queueStats, jobs] = await Promise.all([
          api.queueStats(),
          api.listQueueJobs({ status: filter === 'all' ? undefined : filter, limit: LIMITS.jobs }),
        ]);
        if (state().jobFilter === filter) set({ queueStats, jobs: jobs.items });
      }),

    branches: () =>
      load('branches', async () => {
        const id = state().projectId;
        if (id === null) return;
        const { branches } = await client().listBranches(id);
        const { branch } = state();
        if (state().projectId === id) set({ branches, branch: branches.includes(branch ?? '') ? branch : null });
      }),

    protocolDetail: async () => {
      const results = await Promise.all([loaders.steps(), loaders.protocolEvents(), loaders.specAndUsage()]);
      return results.every(Boolean);
    },
  };
  return loaders;
}
