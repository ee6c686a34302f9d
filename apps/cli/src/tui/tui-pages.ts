import type { TuiStore } from './tui-store.js';
import type { TuiState } from './tui-store.types.js';
import { branchItem, eventItem, jobItem, projectItem, protocolItem, stepItem, type ListItem } from './tui-format.js';

export type PageId = 'dashboard' | 'projects' | 'protocols' | 'steps' | 'events' | 'queues' | 'settings';
export type ListId =
  | 'projects'
  | 'protocols'
  | 'steps'
  | 'protocolEvents'
  | 'stepEvents'
  | 'recentEvents'
  | 'branches'
  | 'jobs';

export interface PageSpec {
  id: PageId;
  title: string;
  /** The number key that opens it. */
  key: string;
  /** Lists on the page, in tab-focus order. */
  lists: ListId[];
}

export const PAGES: readonly PageSpec[] = [
  {
    id: 'dashboard',
    title: 'Dashboard',
    key: '1',
    lists: ['projects', 'protocols', 'steps', 'protocolEvents', 'recentEvents'],
  },
  { id: 'projects', title: 'Projects', key: '2', lists: ['projects', 'branches'] },
  { id: 'protocols', title: 'Protocols', key: '3', lists: ['protocols', 'protocolEvents'] },
  { id: 'steps', title: 'Steps', key: '4', lists: ['steps', 'stepEvents'] },
  { id: 'events', title: 'Events', key: '5', lists: ['protocolEvents', 'recentEvents'] },
  { id: 'queues', title: 'Queues', key: '6', lists: ['jobs'] },
  { id: 'settings', title: 'Settings', key: '7', lists: [] },
];

export function pageSpec(id: PageId): PageSpec {
  const spec = PAGES.find((page) => page.id === id);
  if (!spec) throw new Error(`unknown TUI page ${id}`);
  return spec;
}

export const LIST_TITLES: Record<ListId, string> = {
  projects: 'Projects',
  protocols: 'Protocols',
  steps: 'Steps',
  protocolEvents: 'Protocol events',
  stepEvents: 'Step events',
  recentEvents: 'Recent events',
  branches: 'Branches',
  jobs: 'Queue jobs',
};

/** The items of a list, from the store's state. */
export function listItems(list: ListId, state: TuiState, store: TuiStore): ListItem[] {
  switch (list) {
    case 'projects':
      return state.projects.map(projectItem);
    case 'protocols':
      return state.protocols.map(protocolItem);
    case 'steps':
      return store.visibleSteps().map(stepItem);
    case 'protocolEvents':
      return state.protocolEvents.map(eventItem);
    case 'stepEvents':
      return state.stepId === null
        ? []
        : state.protocolEvents.filter((event) => event.step_run_id === state.stepId).map(eventItem);
    case 'recentEvents':
      return state.recentEvents.map(eventItem);
    case 'branches':
      return (state.branches ?? []).map(branchItem);
    case 'jobs':
      return state.jobs.map(jobItem);
  }
}

/** The id marked as selected in a list. */
export function selectedId(list: ListId, state: TuiState): string | null {
  switch (list) {
    case 'projects':
      return state.projectId === null ? null : String(state.projectId);
    case 'protocols':
      return state.protocolId === null ? null : String(state.protocolId);
    case 'steps':
      return state.stepId === null ? null : String(state.stepId);
    case 'protocolEvents':
    case 'stepEvents':
    case 'recentEvents':
      return state.event ? String(state.event.id) : null;
    case 'branches':
      return state.branch;
    case 'jobs':
      return state.jobId;
  }
}

/** Enter on an item: select it (loading what depends on it). */
export function selectItem(list: ListId, id: string, state: TuiState, store: TuiStore): void {
  switch (list) {
    case 'projects':
      return void store.selectProject(Number(id));
    case 'protocols':
      return void store.selectProtocol(Number(id));
    case 'steps':
      return store.selectStep(Number(id));
    case 'protocolEvents':
    case 'stepEvents':
    case 'recentEvents': {
      const source = list === 'recentEvents' ? state.recentEvents : state.protocolEvents;
      const event = source.find((e) => String(e.id) === id);
      if (event) store.selectEvent(event);
      return;
    }
    case 'branches':
      return store.selectBranch(id);
    case 'jobs':
      return store.selectJob(id);
  }
}
