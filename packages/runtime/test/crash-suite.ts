import { signalProcessGroup } from '@tasksgodzilla/platform-engines';
import { createTempDir, type TempDir } from '@tasksgodzilla/testing';
import { openRuntime, type RuntimeHarness, type RuntimeHarnessOptions } from './runtime-harness.js';
import { bundleRuntimeWorker, startWorkerProcess, type WorkerProcess } from './worker-process.js';

/** One test at a time of a suite that SIGKILLs worker processes. */
export interface CrashSuite {
  /** The runtime of the running test (after `open`). */
  readonly h: RuntimeHarness;
  /** Where the test's steps leave their markers, outside every worktree (after `open`). */
  readonly markers: string;
  /** Makes the markers folder and opens the runtime. */
  open(markersPrefix: string, options?: RuntimeHarnessOptions): Promise<RuntimeHarness>;
  /** Starts a worker process on the runtime's database; killed after the test if still alive. */
  startWorker(): WorkerProcess;
}

/**
 * Registers the hooks of a crash suite: the runtime worker is bundled once; after each test its
 * worker processes are killed, so are the process groups `leftBehind(markers)` names (what killed
 * attempts leave running), then the runtime is closed and the markers removed.
 */
export function useCrashSuite(leftBehind: (markers: string) => number[]): CrashSuite {
  let bundled: { bundle: string; remove(): void } | undefined;
  let h: RuntimeHarness | undefined;
  let markers: TempDir | undefined;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    bundled = await bundleRuntimeWorker();
  });
  afterAll(() => bundled?.remove());
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.kill();
    // A pgid of 0 would be this process's own group.
    for (const pgid of markers ? leftBehind(markers.path) : []) if (pgid > 0) signalProcessGroup(pgid, 'SIGKILL');
    await h?.close();
    h = undefined;
    markers?.remove();
    markers = undefined;
  });

  const opened = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useCrashSuite: call open() first');
    return value;
  };
  return {
    get h() {
      return opened(h);
    },
    get markers() {
      return opened(markers).path;
    },
    async open(markersPrefix, options = {}) {
      markers = createTempDir(markersPrefix);
      h = await openRuntime(options);
      return h;
    },
    startWorker() {
      const worker = startWorkerProcess(opened(bundled).bundle, opened(h).rt.config);
      workers.push(worker);
      return worker;
    },
  };
}
