export { parseWorkerFlags, WORKER_USAGE } from './cli-flags.js';
export type { WorkerFlags } from './cli-flags.js';
export { createWorkerHttpHandler, startWorkerProcess } from './worker-process.js';
export type { WorkerProcess, WorkerProcessOptions } from './worker-process.js';
