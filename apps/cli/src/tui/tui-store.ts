import { createTuiActions, type TuiActions } from './tui-actions.js';
import { createTuiForms, type TuiForms } from './tui-forms.js';
import { createTuiLive } from './tui-live.js';
import { createTuiLoaders } from './tui-loaders.js';
import { createTuiSelection, newestProtocol, type TuiSelection } from './tui-selection.js';
import { createStoreCore } from './tui-store-core.js';
import type { ClientFactory, StatusTone, TuiSettings, TuiState } from './tui-store.types.js';

/**
 * The TUI's data and actions over the api client. Screens render `getState()`; keys call the
 * methods. Built from parts: the state container (tui-store-core), the loaders (tui-loaders), live
 * updates (tui-live), selection and filters (tui-selection), the key actions (tui-actions) and the
 * dialogs' submissions (tui-forms). What the TUI decides like the console (latest step, event merge,
 * one reload per burst of events) comes from the client's run-view.
 */
export interface TuiStore extends TuiSelection, TuiActions, TuiForms {
  getState(): TuiState;
  subscribe(listener: () => void): () => void;
  /** First full refresh, then live updates over the event stream. */
  start(): Promise<void>;
  /** Stops the stream and every pending reload. */
  stop(): void;
  refreshAll(): Promise<void>;
  setStatus(text: string, tone?: StatusTone): void;
  toggleLive(): void;
  /** New api base / tokens: a new client, the stream reconnected, everything reloaded. */
  configure(settings: TuiSettings): void;
}

export function createTuiStore(options: { settings: TuiSettings; createClient: ClientFactory }): TuiStore {
  const core = createStoreCore(options);
  const { getState: state, set, setStatus } = core;
  const loaders = createTuiLoaders(core);
  const live = createTuiLive(core, loaders);
  const selection = createTuiSelection(core, loaders);

  const refreshAll = async () => {
    if (state().refreshing) return;
    set({ refreshing: true });
    const ok = [await loaders.projects()];
    const first = state().projects[0];
    // First run: select a project so the dashboard shows something.
    if (state().projectId === null && first) set({ projectId: first.id });
    ok.push(await loaders.onboarding(), await loaders.protocols());
    if (state().protocolId === null) {
      const newest = newestProtocol(state().protocols);
      if (newest) set({ protocolId: newest.id });
    }
    ok.push(await loaders.protocolDetail(), await loaders.recentEvents(), await loaders.queue());
    if (state().branches !== null) ok.push(await loaders.branches());
    set({ refreshing: false });
    // Load errors stay on screen: "Refreshed." never hides them.
    if (ok.every(Boolean)) setStatus('Refreshed.');
  };

  return {
    getState: core.getState,
    subscribe: core.subscribe,
    setStatus,
    ...selection,
    ...createTuiActions(core, loaders, selection),
    ...createTuiForms(core, loaders, selection),
    refreshAll,
    start: async () => {
      live.begin();
      await refreshAll();
      live.connect();
    },
    stop: () => live.stop(),
    toggleLive: () => {
      set({ liveEnabled: !state().liveEnabled });
      live.connect();
      setStatus(`Live updates ${state().liveEnabled ? 'on' : 'off'}.`);
    },
    configure: (settings) => {
      core.reconnect(settings);
      live.reset();
      set({ settings });
      setStatus(`Updated API base to ${settings.apiBase}`, 'ok');
      live.connect();
      void refreshAll();
    },
  };
}
