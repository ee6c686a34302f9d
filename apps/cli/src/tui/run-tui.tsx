import { createClient } from '@tasksgodzilla/client';
import { render } from 'ink';
import { createTuiStore } from './tui-store.js';
import type { ClientFactory, TuiSettings } from './tui-store.types.js';
import { TuiApp } from './tui-app.js';

export interface RunTuiOptions {
  settings: TuiSettings;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  /** Defaults to the api client over HTTP. */
  createClient?: ClientFactory;
}

const ALT_SCREEN_ON = '\u001b[?1049h';
const ALT_SCREEN_OFF = '\u001b[?1049l';

/** Runs the TUI full screen until the user quits (q or ctrl+c); the terminal is restored after. */
export async function runTui(options: RunTuiOptions): Promise<void> {
  const factory: ClientFactory =
    options.createClient ?? ((s) => createClient({ baseUrl: s.apiBase, token: s.token, projectToken: s.projectToken }));
  const store = createTuiStore({ settings: options.settings, createClient: factory });
  options.stdout.write(ALT_SCREEN_ON);
  const instance = render(<TuiApp store={store} />, {
    stdin: options.stdin,
    stdout: options.stdout,
    exitOnCtrlC: true,
    patchConsole: false,
  });
  try {
    await instance.waitUntilExit();
  } finally {
    store.stop();
    instance.cleanup();
    options.stdout.write(ALT_SCREEN_OFF);
  }
}
