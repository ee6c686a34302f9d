import { useSyncExternalStore } from 'react';
import type { TuiStore } from './tui-store.js';
import type { TuiState } from './tui-store.types.js';

/** The store's state, re-rendering on every change. */
export function useTuiState(store: TuiStore): TuiState {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
