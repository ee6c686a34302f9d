import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createClient,
  type FetchLike,
  type ProjectCreate,
  type ProjectOut,
  type TasksGodzillaClient,
} from '@tasksgodzilla/client';
import { API_MAIN, freePort, startApp, type AppProcess } from './processes.test-helpers.js';
import { waitFor } from './stack.test-helpers.js';

// What the e2e suites that drive a (fake) agent CLI through the built api share: the fake codex,
// its fixtures, the calls it records, a template folder, an onboarded project, and waits that say why.

export const FAKE_CODEX = fileURLToPath(new URL('../../../tools/fake-engines/fake-codex.mjs', import.meta.url));
/** The thread id of tools/fake-engines/fixtures/codex/success.jsonl: the session a later attempt resumes. */
export const FAKE_CODEX_SESSION = '0199a213-81c0-7800-8aa1-bbab2a035a53';

/** One recorded call of a wrapped fake engine (`FAKE_ENGINE_ARGV_FILE`). */
export interface EngineCall {
  argv: string[];
  stdin: string;
}

/** The fake codex's success stream with its final agent message replaced by `text`, as `<dir>/<name>.jsonl`. */
export function codexFixtureSaying(dir: string, name: string, text: string): string {
  const path = join(dir, `${name}.jsonl`);
  const escaped = JSON.stringify(text).slice(1, -1);
  const success = readFileSync(join(FAKE_CODEX, '..', 'fixtures', 'codex', 'success.jsonl'), 'utf8');
  writeFileSync(
    path,
    success.replace(/"type":"agent_message","text":"[^"]*"/, () => `"type":"agent_message","text":"${escaped}"`),
  );
  return path;
}

/** The calls recorded as `<prefix>-N.json` in `dir`, in order of N. */
export function recordedCalls(dir: string, prefix: string): EngineCall[] {
  const pattern = new RegExp(`^${prefix}-(\\d+)\\.json$`);
  return readdirSync(dir)
    .map((name) => ({ name, n: Number(pattern.exec(name)?.[1] ?? NaN) }))
    .filter((file) => !Number.isNaN(file.n))
    .sort((a, b) => a.n - b.n)
    .map((file) => JSON.parse(readFileSync(join(dir, file.name), 'utf8')) as EngineCall);
}

/** A protocol template folder `<dir>/template`: plan.md, context.md, log.md and the given step files. */
export function writeTemplate(dir: string, plan: string, steps: Record<string, string>): string {
  const template = join(dir, 'template');
  mkdirSync(template);
  writeFileSync(join(template, 'plan.md'), plan);
  writeFileSync(join(template, 'context.md'), '# Context\n');
  writeFileSync(join(template, 'log.md'), '# Log\n');
  for (const [name, content] of Object.entries(steps)) writeFileSync(join(template, name), content);
  return template;
}

/** Creates the project and waits for its onboarding to end. */
export async function onboardedProject(client: TasksGodzillaClient, input: ProjectCreate): Promise<ProjectOut> {
  const project = await client.createProject(input);
  await waitFor(
    () => client.getOnboarding(project.id),
    (s) => ['completed', 'blocked', 'failed'].includes(s.status),
    'onboarding',
  );
  return project;
}

/** `waitFor`, with the run's events and the api's output in the failure message. */
export function runWaiter(client: () => TasksGodzillaClient, api: () => AppProcess) {
  return async <T>(runId: number, read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> => {
    try {
      return await waitFor(read, check, what);
    } catch (error) {
      const events = (await client().listProtocolEvents(runId, { limit: 500 })).items;
      const trail = events.map((e) => `${e.event_type}: ${e.message}`).reverse();
      throw new Error(
        `${(error as Error).message}\nevents:\n${trail.join('\n')}\napi output (tail):\n${api().output().slice(-3000)}`,
      );
    }
  };
}

/**
 * The built api with its inline worker on a fresh data folder, the offline shell engine as default
 * and `codexBin` as the codex CLI, and a client for it (token `token`, calls through `fetch`).
 */
export async function startAgentApi(options: {
  dir: string;
  codexBin: string;
  token: string;
  fetch: FetchLike;
  env?: Record<string, string>;
}): Promise<{ api: AppProcess; client: TasksGodzillaClient }> {
  const port = await freePort();
  const api = await startApp(
    'api',
    API_MAIN,
    port,
    ['--host', '127.0.0.1', '--port', String(port), '--inline-worker'],
    {
      TASKSGODZILLA_DATA_DIR: join(options.dir, 'data'),
      TASKSGODZILLA_DEFAULT_ENGINE: 'shell',
      TASKSGODZILLA_CODEX_BIN: options.codexBin,
      TASKSGODZILLA_API_TOKEN: options.token,
      TASKSGODZILLA_LOG_LEVEL: 'warn',
      TASKSGODZILLA_GIT_USER: 'TasksGodzilla E2E',
      TASKSGODZILLA_GIT_EMAIL: 'e2e@tasksgodzilla.invalid',
      TASKSGODZILLA_ENGINE_TIMEOUT_SECONDS: '120',
      ...options.env,
    },
    options.dir,
  );
  const client = createClient({ baseUrl: api.url, token: options.token, timeoutMs: 60_000, fetch: options.fetch });
  return { api, client };
}
