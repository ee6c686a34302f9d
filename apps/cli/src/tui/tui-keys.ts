/** Every key of the TUI (the README's table and the help screen come from this list). */
export const KEYS: readonly { keys: string; action: string }[] = [
  { keys: '1-7', action: 'switch page: Dashboard, Projects, Protocols, Steps, Events, Queues, Settings' },
  { keys: 'tab / shift+tab', action: 'focus the next / previous list of the page' },
  { keys: '↑ ↓ (k j), pgup pgdn', action: 'move in the focused list' },
  { keys: 'enter', action: 'select the highlighted item (loads what depends on it)' },
  { keys: 'm', action: 'actions menu (everything below, for the current page)' },
  { keys: 'r', action: 'refresh everything' },
  { keys: 'n', action: 'run the next step of the selected protocol' },
  { keys: 't', action: 'retry the latest failed step' },
  { keys: 'y', action: 'run QA on the selected step (else the latest)' },
  { keys: 'a', action: 'approve the selected step (else the latest)' },
  { keys: 'u', action: 'run the selected step' },
  { keys: 'w', action: "answer the question of the step waiting for input (the selected one, else the run's first)" },
  { keys: 'o', action: 'open the PR/MR of the selected protocol' },
  { keys: 's / p / e', action: 'start planning / pause / resume the selected protocol' },
  { keys: 'x', action: 'cancel the selected protocol (asks first)' },
  { keys: 'g', action: 'new project' },
  { keys: 'R', action: 'new protocol (template, auto-advance, start now)' },
  { keys: 'A', action: 'spec audit' },
  { keys: 'i', action: 'import a CodeMachine workspace' },
  { keys: 'b / d', action: 'reload branches / delete the selected branch (asks first)' },
  { keys: 'f / J', action: 'cycle the step filter / the queue job filter' },
  { keys: 'L', action: 'live updates on/off' },
  { keys: 'c', action: 'configure api base and tokens (memory only)' },
  { keys: '?', action: 'help' },
  { keys: 'esc', action: 'close a dialog' },
  { keys: 'q, ctrl+c', action: 'quit' },
];

export const HELP_LINE =
  '1-7 pages • tab focus • ↑↓ move • enter select • m actions • n next • t retry • y QA • a approve • w answer • o PR • s/p/e/x start/pause/resume/cancel • R new protocol • g new project • ? help • q quit';
