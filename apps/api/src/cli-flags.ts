import { defineProcessFlags } from '@tasksgodzilla/runtime';

/** The api's flags: its settings from the core config schema, plus where the console is served from. */
const API_FLAGS = defineProcessFlags({
  command: 'tgz-api',
  settings: ['apiHost', 'apiPort', 'inlineWorker', 'workerConcurrency', 'dbPath', 'logLevel'],
  options: {
    consoleDir: {
      kind: 'string',
      flag: 'console-dir',
      placeholder: 'dir',
      description:
        'folder served at / and /console (default: the web console built into this package, else a placeholder page)',
    },
  },
});

export const API_USAGE = API_FLAGS.usage;

/** Parses the api's command line; unknown flags and bad values are a ConfigError (exit 2). */
export function parseApiFlags(argv: readonly string[]): ApiFlags {
  return API_FLAGS.parse(argv);
}

/** `help`, config `overrides` (they win over the environment) and `consoleDir`. */
export type ApiFlags = ReturnType<typeof API_FLAGS.parse>;
