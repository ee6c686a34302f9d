import { coalesce, isOnboardingEvent, mergeEvents, type EventOut } from '@tasksgodzilla/client';
import type { TuiLoaders } from './tui-loaders.js';
import { errorText, LIMITS, type StoreCore } from './tui-store-core.js';

/** Live updates over the api's event stream. */
export interface TuiLive {
  /** Allows connecting again after `stop()` (the store's start). */
  begin(): void;
  /** (Re)connects when live updates are on and not stopped, else shows `off`. */
  connect(): void;
  /** Disconnects and drops every pending reload; `connect` does nothing until `begin`. */
  stop(): void;
  /** Forgets the stream position (a new api): the next connection starts from the newest event. */
  reset(): void;
}

/**
 * Events of the selected project and protocol reload what they change; each kind of reload runs
 * once per burst of events (client's `coalesce`), as in the console.
 */
export function createTuiLive(core: StoreCore, loaders: TuiLoaders): TuiLive {
  const { getState: state, set, setStatus, client } = core;
  let stream: AbortController | null = null;
  let lastEventId: number | null = null;
  let stopped = false;

  const reloadProjectsSoon = coalesce(() => void loaders.projects(), 300);
  const reloadProtocolsSoon = coalesce(() => void loaders.protocols(), 200);
  const reloadOnboardingSoon = coalesce(() => void loaders.onboarding(), 300);
  const reloadRunSoon = coalesce(() => void Promise.all([loaders.steps(), loaders.specAndUsage()]), 150);
  const reloadQueueSoon = coalesce(() => void loaders.queue(), 1000);
  const reloads = [reloadProjectsSoon, reloadProtocolsSoon, reloadOnboardingSoon, reloadRunSoon, reloadQueueSoon];

  const handleEvent = (event: EventOut) => {
    const now = state();
    if (event.project_id !== null && !now.projects.some((p) => p.id === event.project_id)) reloadProjectsSoon();
    if (now.projectId === null || event.project_id === now.projectId)
      set({ recentEvents: mergeEvents(now.recentEvents, [event], LIMITS.recentEvents) });
    if (now.projectId !== null && event.project_id === now.projectId) {
      reloadProtocolsSoon();
      if (isOnboardingEvent(event) || event.protocol_run_id === now.onboarding?.protocol_run_id) reloadOnboardingSoon();
    }
    if (now.protocolId !== null && event.protocol_run_id === now.protocolId) {
      set({ protocolEvents: mergeEvents(state().protocolEvents, [event], LIMITS.protocolEvents) });
      reloadRunSoon();
    }
    reloadQueueSoon();
  };

  const follow = async (controller: AbortController) => {
    set({ live: 'connecting' });
    try {
      const api = client();
      // From the newest event that exists now: nothing written while connecting is missed.
      lastEventId ??= (await api.listEvents({ limit: 1 }, { signal: controller.signal })).items[0]?.id ?? 0;
      set({ live: 'live' });
      for await (const event of api.streamEvents({ last_event_id: lastEventId, signal: controller.signal })) {
        lastEventId = event.id;
        handleEvent(event);
      }
    } catch (error) {
      if (controller.signal.aborted) return;
      set({ live: 'error' });
      setStatus(`Live updates stopped: ${errorText(error)}`, 'error');
    }
  };

  return {
    begin: () => {
      stopped = false;
    },
    connect: () => {
      stream?.abort();
      stream = null;
      if (stopped || !state().liveEnabled) return set({ live: 'off' });
      const controller = new AbortController();
      stream = controller;
      void follow(controller);
    },
    stop: () => {
      stopped = true;
      stream?.abort();
      stream = null;
      for (const reload of reloads) reload.cancel();
    },
    reset: () => {
      lastEventId = null;
    },
  };
}
