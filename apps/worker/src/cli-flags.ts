import { defineProcessFlags } from '@tasksgodzilla/runtime';

/** The worker's flags: its settings from the core config schema, plus options of the worker process itself. */
const WORKER_FLAGS = defineProcessFlags({
  command: 'tgz-worker',
  settings: ['workerConcurrency', 'workerPort', 'dbPath', 'logLevel'],
  options: {
    host: {
      kind: 'string',
      flag: 'host',
      placeholder: 'address',
      description: 'health/metrics address',
      default: '127.0.0.1',
    },
    shutdownTimeoutSeconds: {
      kind: 'int',
      flag: 'shutdown-timeout',
      placeholder: 'seconds',
      description: 'on SIGTERM/SIGINT, wait this long for running jobs, then release them',
      default: 30,
      min: 0,
      max: 86_400,
    },
    workerId: {
      kind: 'string',
      flag: 'worker-id',
      placeholder: 'id',
      description: 'id written on the jobs it claims (default <host>:<pid>:<random>)',
      nonEmpty: true,
    },
  },
});

export const WORKER_USAGE = WORKER_FLAGS.usage;

/** Parses the worker's command line; unknown flags and bad values are a ConfigError (exit 2). */
export function parseWorkerFlags(argv: readonly string[]): WorkerFlags {
  return WORKER_FLAGS.parse(argv);
}

/** `help`, config `overrides` (they win over the environment), `host`, `shutdownTimeoutSeconds`, `workerId`. */
export type WorkerFlags = ReturnType<typeof WORKER_FLAGS.parse>;
