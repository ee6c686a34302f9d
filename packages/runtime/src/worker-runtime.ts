import type { Config } from '@tasksgodzilla/core';
import { UnknownJobTypeError, type JobHandler, type JobHandlers } from '@tasksgodzilla/platform-queue';
import { createRuntimeCore, type RuntimeParts, type WorkerHooks } from './runtime-core.js';
import type { RuntimeOverrides, WorkerRuntime } from './runtime.types.js';

/**
 * The worker process's runtime: what createRuntime builds, except that the engines, git, prompts and
 * services (the code of `./services.js` and the packages it imports) are loaded and wired on the first
 * job a worker runner claims (or the first final-failure or cancel hook), not at start. An idle worker
 * then starts and stays without them (issue 12: start time and idle memory); the first job pays for
 * loading them once. A failed load fails that job (retried as the queue's backoff says) and the next
 * job loads again.
 */
export function createWorkerRuntime(config: Readonly<Config>, overrides: RuntimeOverrides = {}): WorkerRuntime {
  return createRuntimeCore(config, overrides, (parts) =>
    lazyWorkerHooks(parts.queue.jobTypes.types(), () => loadHooks(config, overrides, parts)),
  );
}

async function loadHooks(
  config: Readonly<Config>,
  overrides: RuntimeOverrides,
  parts: RuntimeParts,
): Promise<WorkerHooks> {
  const { composeServices } = await import('./services.js');
  return composeServices(config, overrides, parts).worker;
}

/** Worker hooks that load the real ones on first use (once; again after a failed load). */
export function lazyWorkerHooks(jobTypes: readonly string[], load: () => Promise<WorkerHooks>): WorkerHooks {
  let loading: Promise<WorkerHooks> | null = null;
  const loaded = (): Promise<WorkerHooks> => {
    loading ??= load().catch((error: unknown) => {
      loading = null;
      throw error;
    });
    return loading;
  };
  return {
    handlers() {
      let handlers: JobHandlers | null = null;
      const entries = jobTypes.map((type): [string, JobHandler<Record<string, unknown>>] => [
        type,
        async (job, ctx) => {
          handlers ??= (await loaded()).handlers();
          const handler = handlers[type];
          if (!handler) throw new UnknownJobTypeError(type);
          return handler(job, ctx);
        },
      ]);
      return Object.fromEntries(entries);
    },
    onJobFailed: async (job, error) => (await loaded()).onJobFailed(job, error),
    onJobEnded: async (job) => (await loaded()).onJobEnded(job),
    reapDeadAttempt: async (job) => (await loaded()).reapDeadAttempt(job),
  };
}
