import type { TasksGodzillaClient } from '@tasksgodzilla/client';
import type { ClientFactory, StatusTone, TuiSettings, TuiState } from './tui-store.types.js';

/** How many items each list keeps. */
export const LIMITS = { protocolEvents: 100, recentEvents: 50, jobs: 50, list: 200 } as const;

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The state container every part of the TUI store works on: the state, its listeners, the current
 * api client (replaced by `configure`) and the status line.
 */
export interface StoreCore {
  getState(): TuiState;
  subscribe(listener: () => void): () => void;
  set(patch: Partial<TuiState>): void;
  setStatus(text: string, tone?: StatusTone): void;
  client(): TasksGodzillaClient;
  /** A new client for new settings (the settings themselves are set by the caller). */
  reconnect(settings: TuiSettings): void;
  /** Runs a loader; a failure is shown (and kept) as `Error loading <what>: …`, never thrown. */
  load(what: string, fn: () => Promise<void>): Promise<boolean>;
  /**
   * Runs an api action: its success message (ok) then `after` (reloads), or its error message. False
   * when the call failed.
   */
  act<T>(call: () => Promise<T>, success: (result: T) => string, after?: () => Promise<unknown>): Promise<boolean>;
}

export function initialState(settings: TuiSettings): TuiState {
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

export function createStoreCore(options: { settings: TuiSettings; createClient: ClientFactory }): StoreCore {
  let state = initialState(options.settings);
  let client = options.createClient(options.settings);
  const listeners = new Set<() => void>();

  const set = (patch: Partial<TuiState>) => {
    state = { ...state, ...patch };
    for (const listener of [...listeners]) listener();
  };
  const setStatus = (text: string, tone: StatusTone = 'info') => set({ status: { text, tone } });

  return {
    getState: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    set,
    setStatus,
    client: () => client,
    reconnect: (settings) => {
      client = options.createClient(settings);
    },
    load: async (what, fn) => {
      try {
        await fn();
        return true;
      } catch (error) {
        setStatus(`Error loading ${what}: ${errorText(error)}`, 'error');
        return false;
      }
    },
    act: async (call, success, after = async () => undefined) => {
      try {
        const result = await call();
        setStatus(success(result), 'ok');
        await after();
        return true;
      } catch (error) {
        setStatus(errorText(error), 'error');
        return false;
      }
    },
  };
}
