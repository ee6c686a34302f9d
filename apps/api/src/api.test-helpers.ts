import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContractViolationError } from '@tasksgodzilla/api-contract';
import { loadConfig, type Config } from '@tasksgodzilla/core';
import type { WorkerRunner } from '@tasksgodzilla/platform-queue';
import { createLogger } from '@tasksgodzilla/platform-telemetry';
import { createRuntime, type Runtime } from '@tasksgodzilla/runtime';
import { createTempDir, createTestRepo, testRuntimeConfig, type TempDir, type TestRepo } from '@tasksgodzilla/testing';
import { buildApi } from './api.js';
import type { Api, ApiOptions } from './api.types.js';
import { createContractWatch } from './contract-watch.test-helpers.js';

/** The protocol template the e2e suite uses too (shell steps with checks). */
export const TEMPLATE_DIR = fileURLToPath(new URL('../e2e/fixtures/template/', import.meta.url));

/** Test responses are read loosely (`res.body.detail`); a spec narrows with the type parameter when it helps. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export interface Response<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Record<string, string | string[] | number | undefined>;
}

export interface CallInit {
  body?: unknown;
  /** Sent as it is (with `Content-Type: application/json` unless headers say otherwise). */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
}

export interface ApiHarness {
  app: Api;
  runtime: Runtime;
  dir: TempDir;
  repo: TestRepo;
  worker: WorkerRunner;
  /** Every answer that did not match the api contract (each one also fails the call that got it). */
  violations: ContractViolationError[];
  call<T = Loose>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, init?: CallInit): Promise<Response<T>>;
  /** Runs every due job (the inline worker, deterministically). */
  drain(): Promise<number>;
  /** Creates a project on the test repo over the api and runs its onboarding; returns its id. */
  project(extra?: Record<string, unknown>, headers?: Record<string, string>): Promise<number>;
  /** A copy of the template folder with some step files replaced. */
  template(files?: Record<string, string>): string;
  /** A protocol run created from the template and planned (drained); returns its id and step ids. */
  planned(
    projectId: number,
    name: string,
    extra?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ id: number; steps: { id: number; step_name: string; status: string }[] }>;
  /** Also fails when an answer not seen through `call` (inject, listen + fetch) broke the contract. */
  close(): Promise<void>;
}

export interface ApiHarnessOptions {
  config?: Partial<Config>;
  api?: ApiOptions;
}

/** A runtime whose files live in `dir` (testing's `testRuntimeConfig`), one job at a time, one attempt. Not started. */
export function testRuntime(dir: TempDir, config: Partial<Config> = {}): Runtime {
  const values = loadConfig(
    {},
    { ...testRuntimeConfig(dir.path), workerConcurrency: 1, jobMaxAttempts: 1, engineTimeoutSeconds: 120, ...config },
  );
  return createRuntime(values, { logger: createLogger({ level: 'silent' }) });
}

/** A real runtime (temp SQLite file, embedded queue, shell engine, temp git repos) and the api over it. */
export async function openApi(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const dir = createTempDir('tgz-api-');
  const repo = createTestRepo(join(dir.path, 'git'));
  const runtime = testRuntime(dir, options.config);
  await runtime.start();
  // Every answer is checked against the shared contract: a presenter that drifts from it fails the test.
  const contract = createContractWatch();
  const app = await buildApi(runtime, { onContractViolation: contract.record, ...options.api });
  const worker = runtime.createWorker({ pollIntervalMs: 20, maxPollIntervalMs: 100, abortGraceMs: 3000 });

  const call: ApiHarness['call'] = async (method, url, init = {}) => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    let payload: string | Buffer | undefined;
    if (init.rawBody !== undefined) {
      payload = init.rawBody;
      headers['content-type'] ??= 'application/json';
    } else if (init.body !== undefined) {
      payload = JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const query = Object.fromEntries(
      Object.entries(init.query ?? {})
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    );
    const response = await contract.around(() =>
      app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}), query }),
    );
    let body: unknown = response.body;
    try {
      body = JSON.parse(response.body);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.statusCode, body: body as Loose, text: response.body, headers: response.headers };
  };

  const harness: ApiHarness = {
    app,
    runtime,
    dir,
    repo,
    worker,
    violations: contract.violations,
    call,
    drain: () => worker.drain(),
    async project(extra = {}, headers = {}) {
      const response = await call('POST', '/projects', {
        body: { name: 'demo', git_url: repo.originPath, local_path: repo.path, ...extra },
        headers,
      });
      if (response.status !== 200) throw new Error(`create project: ${response.status} ${response.text}`);
      await worker.drain();
      return (response.body as { id: number }).id;
    },
    template(files = {}) {
      const target = join(dir.path, `template-${Math.random().toString(36).slice(2, 8)}`);
      cpSync(TEMPLATE_DIR, target, { recursive: true });
      for (const [name, content] of Object.entries(files)) writeFileSync(join(target, name), content);
      return target;
    },
    async planned(projectId, name, extra = {}, headers = {}) {
      const created = await call('POST', `/projects/${projectId}/protocols`, {
        body: { protocol_name: name, template: TEMPLATE_DIR, ...extra },
        headers,
      });
      if (created.status !== 200) throw new Error(`create protocol: ${created.status} ${created.text}`);
      const id = (created.body as { id: number }).id;
      const started = await call('POST', `/protocols/${id}/actions/start`, { headers });
      if (started.status !== 200) throw new Error(`start protocol: ${started.status} ${started.text}`);
      await worker.drain();
      const steps = await call('GET', `/protocols/${id}/steps`, { headers });
      return { id, steps: steps.body as { id: number; step_name: string; status: string }[] };
    },
    async close() {
      await app.close();
      if (worker.started) await worker.stop({ graceful: false, timeoutMs: 2000 });
      await runtime.close();
      dir.remove();
      contract.assertAllReported();
    },
  };
  return harness;
}

/** A suite's harness; `projectId` is the project onboarded for the suite (with `project: true`). */
export type SuiteApi = ApiHarness & { readonly projectId: number };

export interface SuiteApiOptions extends ApiHarnessOptions {
  /** Onboard one project on the test repo before the suite's tests (see `ApiHarness.project`). */
  project?: boolean;
}

/**
 * One harness for the enclosing `describe`: opened in `beforeAll`, closed in `afterAll`. The returned
 * object stands for it in the tests (it delegates to the harness, which exists only once the suite runs).
 */
export function useApi(options: SuiteApiOptions = {}): SuiteApi {
  let current: (ApiHarness & { projectId: number }) | undefined;
  beforeAll(async () => {
    const h = await openApi(options);
    current = Object.assign(h, { projectId: options.project ? await h.project() : Number.NaN });
  });
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as SuiteApi, {
    get(_target, key) {
      if (!current) throw new Error('The suite harness exists only inside its tests (after beforeAll)');
      return Reflect.get(current, key);
    },
  });
}
