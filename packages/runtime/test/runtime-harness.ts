import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type Config, type Event, type ProtocolRun, type StepRun } from '@tasksgodzilla/core';
import type { Engine } from '@tasksgodzilla/platform-engines';
import type { WorkerRunner } from '@tasksgodzilla/platform-queue';
import { createTestBed, DEMO_TEMPLATE, runEvents, type TestDialect } from '@tasksgodzilla/service-testing';
import { testRuntimeConfig, waitFor, type TempDir, type TestRepo } from '@tasksgodzilla/testing';
import { createRuntime, type Runtime } from '../src/index.js';

/** What `createProtocolRun` takes beside the project id. */
export type ProtocolRunInput = Parameters<Runtime['services']['orchestrator']['createProtocolRun']>[1];

/** Where a run stops moving on its own: the crash suites wait for one of these. */
const SETTLED_STATUSES: readonly string[] = ['completed', 'blocked', 'failed', 'cancelled'];

export interface RuntimeHarness {
  rt: Runtime;
  dir: TempDir;
  repo: TestRepo;
  worker: WorkerRunner;
  /** Onboards a project whose checkout is the test repo (bare origin next to it). */
  project(): Promise<number>;
  /** Onboards the project, then creates a protocol run from `input` and starts it (its planning job is queued). */
  startRun(input: ProtocolRunInput): Promise<ProtocolRun>;
  /** A copy of the demo template with some step files replaced. */
  template(files?: Record<string, string>): string;
  /** Polls until `check` holds (or fails with what it last saw after the timeout). */
  waitFor<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs?: number): Promise<T>;
  run(id: number): Promise<ProtocolRun>;
  steps(id: number): Promise<StepRun[]>;
  /** Events of a run, oldest first. */
  events(id: number): Promise<Event[]>;
  /** The types of the events of a run, oldest first. */
  eventTypes(id: number): Promise<string[]>;
  /** Waits until the run is completed, blocked, failed or cancelled. */
  settled(id: number, timeoutMs?: number): Promise<ProtocolRun>;
  close(): Promise<void>;
}

export interface RuntimeHarnessOptions {
  dialect?: TestDialect;
  config?: Partial<Config>;
  engines?: Engine[];
}

export async function openRuntime(options: RuntimeHarnessOptions = {}): Promise<RuntimeHarness> {
  const bed = await createTestBed({ prefix: 'tgz-runtime-', databasePrefix: 'tgz_runtime', dialect: options.dialect });
  const { dir, repo, database } = bed;
  const config = loadConfig(
    {},
    {
      ...testRuntimeConfig(dir.path),
      dbUrl: database?.url,
      workerConcurrency: 1,
      jobMaxAttempts: 2,
      engineTimeoutSeconds: 120,
      ...options.config,
    },
  );
  const rt = createRuntime(config, options.engines ? { engines: options.engines } : {});
  await rt.start();
  const worker = rt.createWorker({ pollIntervalMs: 20, maxPollIntervalMs: 100, abortGraceMs: 3000 });
  const { storage } = rt;
  const { orchestrator } = rt.services;

  const harness: RuntimeHarness = {
    rt,
    dir,
    repo,
    worker,
    async project() {
      const created = await orchestrator.createProject({
        name: 'demo',
        git_url: repo.originPath,
        local_path: repo.path,
      });
      if (!worker.started) await worker.drain();
      return created.project.id;
    },
    async startRun(input) {
      const run = await orchestrator.createProtocolRun(await harness.project(), input);
      await orchestrator.startProtocol(run.id);
      return run;
    },
    template(files = {}) {
      const target = join(dir.path, `template-${Math.random().toString(36).slice(2, 8)}`);
      cpSync(DEMO_TEMPLATE, target, { recursive: true });
      for (const [name, content] of Object.entries(files)) writeFileSync(join(target, name), content);
      return target;
    },
    waitFor: (read, check, timeoutMs = 60_000) => waitFor(read, check, 'a runtime state', timeoutMs),
    run: (id) => storage.protocolRuns.get(id),
    steps: (id) => storage.stepRuns.listByRun(id),
    events: (id) => runEvents(storage, id),
    eventTypes: async (id) => (await runEvents(storage, id)).map((event) => event.event_type),
    settled: (id, timeoutMs) =>
      harness.waitFor(
        () => storage.protocolRuns.get(id),
        (run) => SETTLED_STATUSES.includes(run.status),
        timeoutMs,
      ),
    async close() {
      if (worker.started) await worker.stop({ graceful: false, timeoutMs: 2000 });
      await rt.close();
      await bed.dispose();
    },
  };
  return harness;
}
