import { Box, useApp, useInput, useStdout } from 'ink';
import { useEffect, useMemo, useReducer, useRef, useState, type ReactNode } from 'react';
import { ConfirmModal } from './confirm-modal.js';
import { ContextBar } from './context-bar.js';
import { DashboardPage } from './dashboard-page.js';
import { EventsPage } from './events-page.js';
import { FormModal } from './form-modal.js';
import { HelpModal } from './help-modal.js';
import { createKeyRouter, useKeyHandler } from './key-router.js';
import { MenuModal } from './menu-modal.js';
import type { PageProps } from './page-props.js';
import { ProjectsPage } from './projects-page.js';
import { ProtocolsPage } from './protocols-page.js';
import { QueuesPage } from './queues-page.js';
import { SelectList } from './select-list.js';
import { SettingsPage } from './settings-page.js';
import { StatusBar } from './status-bar.js';
import { StepsPage } from './steps-page.js';
import { TabBar } from './tab-bar.js';
import type { FormField, MenuItem, ModalSpec } from './tui-modal.types.js';
import {
  LIST_TITLES,
  PAGES,
  listItems,
  pageSpec,
  selectItem,
  selectedId,
  type ListId,
  type PageId,
} from './tui-pages.js';
import type { TuiStore } from './tui-store.js';
import { useTuiState } from './use-tui-state.js';

const PAGE_COMPONENTS: Record<PageId, (props: PageProps) => ReactNode> = {
  dashboard: DashboardPage,
  projects: ProjectsPage,
  protocols: ProtocolsPage,
  steps: StepsPage,
  events: EventsPage,
  queues: QueuesPage,
  settings: SettingsPage,
};

/** Lines outside the page body: tabs, context, status, key line, and one spare so ink never scrolls. */
const CHROME_LINES = 5;
/** The keyboard's owner when no dialog is open. */
const MAIN_SCREEN = { name: 'main screen' };
const yes = (value: string | undefined) => /^y/i.test((value ?? '').trim());
const int = (value: string | undefined) => (value ?? '').trim();

/**
 * A form dialog whose fields are named `K`: `submit` gets every field's text by name (an error
 * text to show, or null to close).
 */
function formDialog<K extends string>(
  title: string,
  fields: readonly (FormField & { name: K })[],
  submit: (values: Record<K, string>) => Promise<string | null>,
): ModalSpec {
  return {
    kind: 'form',
    title,
    fields: [...fields],
    submit: (v) => submit(Object.fromEntries(fields.map((f) => [f.name, v[f.name] ?? ''])) as Record<K, string>),
  };
}

/** The TUI: tabs, context, the page (or a dialog), status. All keys are handled here. */
export function TuiApp({ store }: { store: TuiStore }) {
  const state = useTuiState(store);
  const { exit } = useApp();
  const { stdout } = useStdout();
  const [size, setSize] = useState({ columns: stdout.columns || 120, rows: stdout.rows || 40 });
  // Page, focus, highlight and dialog live in a ref: keys that arrive before the next render (a
  // fast typist, a busy machine) must act on what the previous key did, not on a stale render.
  const ui = useRef<{
    page: PageId;
    focus: Partial<Record<PageId, number>>;
    highlight: Partial<Record<ListId, number>>;
    modal: ModalSpec | null;
  }>({
    page: 'dashboard',
    focus: {},
    highlight: {},
    modal: null,
  });
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const router = useMemo(() => createKeyRouter(MAIN_SCREEN), []);
  const setUi = (patch: Partial<typeof ui.current>) => {
    ui.current = { ...ui.current, ...patch };
    // The keyboard changes hands now, not when the dialog is drawn: the next key goes to it.
    if ('modal' in patch) router.focus(patch.modal ?? MAIN_SCREEN);
    rerender();
  };
  const { page, modal } = ui.current;
  const setModal = (next: ModalSpec | null) => setUi({ modal: next });

  useEffect(() => {
    void store.start();
    return () => store.stop();
  }, [store]);

  useEffect(() => {
    const onResize = () => setSize({ columns: stdout.columns || 120, rows: stdout.rows || 40 });
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout]);

  const focusedListOf = (): ListId | undefined => {
    const current = pageSpec(ui.current.page);
    return current.lists[ui.current.focus[current.id] ?? 0];
  };
  const focusedList = focusedListOf();
  /** The highlighted row of a list: where the user moved it, else on the selected item. */
  const highlightOf = (id: ListId): number => {
    const moved = ui.current.highlight[id];
    if (moved !== undefined) return moved;
    const latest = store.getState();
    const selected = selectedId(id, latest);
    return Math.max(
      0,
      listItems(id, latest, store).findIndex((item) => item.id === selected),
    );
  };
  const move = (delta: number) => {
    const list = focusedListOf();
    if (!list) return;
    const count = listItems(list, store.getState(), store).length;
    if (count === 0) return;
    setUi({
      highlight: { ...ui.current.highlight, [list]: Math.min(count - 1, Math.max(0, highlightOf(list) + delta)) },
    });
  };
  const choose = () => {
    const list = focusedListOf();
    if (!list) return;
    const latest = store.getState();
    const item = listItems(list, latest, store)[highlightOf(list)];
    if (item) selectItem(list, item.id, latest, store);
  };
  const cycleFocus = (back: boolean) => {
    const current = pageSpec(ui.current.page);
    const count = current.lists.length;
    if (count > 0)
      setUi({
        focus: {
          ...ui.current.focus,
          [current.id]: ((ui.current.focus[current.id] ?? 0) + (back ? count - 1 : 1)) % count,
        },
      });
  };

  // ---- dialogs ----
  const close = () => setModal(null);
  const failed = (ok: boolean) => (ok ? null : store.getState().status.text);
  /** The selection as the store has it now (dialogs open on the latest one, not the last render's). */
  const current = () => {
    const now = store.getState();
    return { now, project: now.projects.find((p) => p.id === now.projectId), protocol: store.selectedProtocol() };
  };

  const configure = () => {
    const { now } = current();
    setModal(
      formDialog(
        'Configure API / tokens (kept in memory only)',
        [
          { name: 'apiBase', label: 'API base', value: now.settings.apiBase, required: true },
          { name: 'token', label: 'API token', value: now.settings.token ?? '', secret: true, hint: '(empty: none)' },
          {
            name: 'projectToken',
            label: 'Project token',
            value: now.settings.projectToken ?? '',
            secret: true,
            hint: '(empty: none)',
          },
        ],
        async (v) => {
          store.configure({
            apiBase: int(v.apiBase),
            token: int(v.token) || undefined,
            projectToken: int(v.projectToken) || undefined,
          });
          return null;
        },
      ),
    );
  };
  const newProject = () =>
    setModal(
      formDialog(
        'New project (clones and sets it up)',
        [
          { name: 'name', label: 'Name', value: '', required: true },
          { name: 'gitUrl', label: 'Git URL or path', value: '', required: true },
          { name: 'baseBranch', label: 'Base branch', value: 'main' },
          { name: 'localPath', label: 'Local path', value: '', hint: '(optional)' },
          { name: 'ciProvider', label: 'CI provider', value: '', hint: '(github, gitlab or empty)' },
        ],
        async (v) => failed(await store.createProject({ ...v, ciProvider: int(v.ciProvider) })),
      ),
    );
  const newProtocol = () => {
    const { project } = current();
    if (!project) return store.setStatus('Select a project.', 'error');
    setModal(
      formDialog(
        `New protocol in ${project.name}`,
        [
          { name: 'name', label: 'Protocol name', value: '', required: true, hint: '(e.g. 0001-add-login)' },
          { name: 'baseBranch', label: 'Base branch', value: project.base_branch },
          { name: 'description', label: 'Description', value: '' },
          { name: 'template', label: 'Template folder', value: '', hint: '(on the api host; optional)' },
          { name: 'autoAdvance', label: 'Auto-advance? (y/N)', value: 'y' },
          { name: 'start', label: 'Start planning now? (y/N)', value: 'y' },
        ],
        async (v) => failed(await store.createProtocol({ ...v, autoAdvance: yes(v.autoAdvance), start: yes(v.start) })),
      ),
    );
  };
  const specAudit = () => {
    const { now } = current();
    const idText = (id: number | null) => (id === null ? '' : String(id));
    setModal(
      formDialog(
        'Spec audit',
        [
          { name: 'projectId', label: 'Project ID', value: idText(now.projectId), hint: '(empty: all)' },
          { name: 'protocolId', label: 'Protocol ID', value: idText(now.protocolId), hint: '(empty: all)' },
          { name: 'backfill', label: 'Backfill missing? (y/N)', value: 'y' },
          { name: 'interval', label: 'Interval seconds', value: '', hint: '(optional)' },
        ],
        async (v) => {
          const ids = [v.projectId, v.protocolId, v.interval].map(int);
          const bad = ids.find((text) => text !== '' && !/^\d+$/.test(text));
          if (bad !== undefined) return `Not a whole number: ${bad}`;
          const [projectId, protocolId, interval] = ids.map((text) => (text ? Number(text) : null));
          return failed(
            await store.specAudit({
              projectId: projectId ?? null,
              protocolId: protocolId ?? null,
              backfill: yes(v.backfill),
              intervalSeconds: interval ?? null,
            }),
          );
        },
      ),
    );
  };
  const importCodeMachine = () => {
    const { project, protocol } = current();
    if (!project) return store.setStatus('Select a project.', 'error');
    setModal(
      formDialog(
        'Import CodeMachine workspace (path on the api host)',
        [
          {
            name: 'name',
            label: 'Protocol name',
            value: protocol ? `${protocol.protocol_name}-cm` : '',
            required: true,
          },
          { name: 'workspacePath', label: 'Workspace path', value: '', required: true },
          { name: 'baseBranch', label: 'Base branch', value: protocol?.base_branch ?? project.base_branch },
          { name: 'description', label: 'Description', value: '' },
          { name: 'enqueue', label: 'Enqueue job? (y/N)', value: 'n' },
        ],
        async (v) => failed(await store.importCodeMachine({ ...v, enqueue: yes(v.enqueue) })),
      ),
    );
  };
  const answerQuestion = () => {
    const target = store.questionStep();
    if (!target) return store.setStatus('No step is waiting for an answer.', 'error');
    setModal(
      formDialog(
        `Answer ${target.step.step_name}: ${target.question}`,
        [{ name: 'answer', label: 'Answer', value: '', required: true }],
        async (v) => failed(await store.answerStep(v.answer ?? '')),
      ),
    );
  };
  const confirmCancel = () => {
    const { protocol } = current();
    if (!protocol) return store.setStatus('Select a protocol.', 'error');
    setModal({
      kind: 'confirm',
      title: 'Cancel protocol',
      message: `Cancel ${protocol.protocol_name}? Its open steps are cancelled and a running step is stopped.`,
      confirm: () => void store.cancel(),
    });
  };
  const confirmDeleteBranch = () => {
    const { now } = current();
    if (!now.branch) return store.setStatus('Select a branch.', 'error');
    setModal({
      kind: 'confirm',
      title: 'Delete branch',
      message: `Delete remote branch '${now.branch}'?`,
      confirm: () => void store.deleteBranch(),
    });
  };

  const actions: Record<string, MenuItem> = {
    n: { key: 'n', label: 'Run next step', run: () => void store.runNext() },
    t: { key: 't', label: 'Retry latest', run: () => void store.retryLatest() },
    y: { key: 'y', label: 'Run QA', run: () => void store.runQa() },
    a: { key: 'a', label: 'Approve', run: () => void store.approve() },
    u: { key: 'u', label: 'Run selected step', run: () => void store.runStep() },
    w: { key: 'w', label: 'Answer the question…', run: answerQuestion },
    o: { key: 'o', label: 'Open PR', run: () => void store.openPr() },
    s: { key: 's', label: 'Start planning', run: () => void store.startProtocol() },
    p: { key: 'p', label: 'Pause', run: () => void store.pause() },
    e: { key: 'e', label: 'Resume', run: () => void store.resume() },
    x: { key: 'x', label: 'Cancel protocol…', run: confirmCancel },
    g: { key: 'g', label: 'New project…', run: newProject },
    R: { key: 'R', label: 'New protocol…', run: newProtocol },
    A: { key: 'A', label: 'Spec audit…', run: specAudit },
    i: { key: 'i', label: 'Import CodeMachine…', run: importCodeMachine },
    b: { key: 'b', label: 'Reload branches', run: () => void store.loadBranches(true) },
    d: { key: 'd', label: 'Delete branch…', run: confirmDeleteBranch },
    f: { key: 'f', label: 'Cycle step filter', run: () => store.cycleStepFilter() },
    J: { key: 'J', label: 'Cycle job filter', run: () => void store.cycleJobFilter() },
    L: { key: 'L', label: 'Live updates on/off', run: () => store.toggleLive() },
    c: { key: 'c', label: 'Configure API / tokens…', run: configure },
    r: { key: 'r', label: 'Refresh', run: () => void store.refreshAll() },
  };
  const menuKeys: Record<PageId, string[]> = {
    dashboard: ['n', 't', 'y', 'a', 'w', 'o', 's', 'p', 'e', 'x', 'R', 'f', 'r'],
    projects: ['g', 'R', 'b', 'd', 'i', 'A', 'r'],
    protocols: ['s', 'p', 'e', 'x', 'n', 't', 'o', 'R', 'A', 'i', 'r'],
    steps: ['u', 'y', 'a', 'w', 'n', 't', 'f', 'r'],
    events: ['r'],
    queues: ['J', 'r'],
    settings: ['c', 'L', 'r'],
  };
  const openMenu = () => {
    const items = menuKeys[ui.current.page]
      .map((key) => actions[key])
      .filter((item): item is MenuItem => item !== undefined);
    if (ui.current.page === 'queues')
      items.unshift(
        { label: 'Retry selected job', run: () => void store.retryJob() },
        { label: 'Cancel selected job', run: () => void store.cancelJob() },
      );
    setModal({ kind: 'menu', title: `Actions · ${pageSpec(ui.current.page).title}`, items });
  };

  // Ink's one input handler, attached once; the router hands each key to the main screen or the dialog.
  useInput(router.dispatch);
  useKeyHandler(router, MAIN_SCREEN, (input, key) => {
    if (ui.current.modal) return;
    if (key.tab) return cycleFocus(key.shift);
    if (key.upArrow || input === 'k') return move(-1);
    if (key.downArrow || input === 'j') return move(1);
    if (key.pageUp) return move(-10);
    if (key.pageDown) return move(10);
    if (key.return) return choose();
    const target = PAGES.find((p) => p.key === input);
    if (target) return setUi({ page: target.id });
    if (input === 'q') {
      store.stop();
      return exit();
    }
    if (input === '?') {
      store.setStatus('Keys: see the help dialog (esc closes).');
      return setModal({ kind: 'help' });
    }
    if (input === 'm') return openMenu();
    actions[input]?.run();
  });

  const bodyHeight = Math.max(10, size.rows - CHROME_LINES);
  const renderList: PageProps['list'] = (id, height, options = {}) => (
    <SelectList
      key={id}
      title={options.title ?? LIST_TITLES[id]}
      items={listItems(id, state, store)}
      highlight={highlightOf(id)}
      selectedId={selectedId(id, state)}
      focused={id === focusedList && modal === null}
      height={height}
      width={options.width}
      emptyText={options.emptyText}
    />
  );
  const Page = PAGE_COMPONENTS[page];
  const renderDialog = (spec: ModalSpec) => {
    // What every dialog gets: how to close, and the keyboard (which it owns while open).
    const dialog = { close, router, owner: spec };
    if (spec.kind === 'form')
      return <FormModal title={spec.title} fields={spec.fields} submit={spec.submit} {...dialog} />;
    if (spec.kind === 'menu') return <MenuModal title={spec.title} items={spec.items} {...dialog} />;
    if (spec.kind === 'confirm')
      return <ConfirmModal title={spec.title} message={spec.message} confirm={spec.confirm} {...dialog} />;
    return <HelpModal {...dialog} />;
  };

  return (
    <Box flexDirection="column" width={size.columns} height={size.rows - 1}>
      <TabBar page={page} live={state.live} refreshing={state.refreshing} columns={size.columns} />
      <ContextBar page={page} state={state} />
      <Box height={bodyHeight} flexDirection="column">
        {modal === null ? (
          <Page state={state} store={store} height={bodyHeight} list={renderList} />
        ) : (
          renderDialog(modal)
        )}
      </Box>
      <StatusBar status={state.status} />
    </Box>
  );
}
