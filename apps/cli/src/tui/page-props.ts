import type { ReactNode } from 'react';
import type { TuiStore } from './tui-store.js';
import type { TuiState } from './tui-store.types.js';
import type { ListId } from './tui-pages.js';

/** What every page gets: the state, the store, its size, and a renderer for its focusable lists. */
export interface PageProps {
  state: TuiState;
  store: TuiStore;
  height: number;
  list(
    id: ListId,
    height: number,
    options?: { width?: number | string; title?: string; emptyText?: string },
  ): ReactNode;
}
