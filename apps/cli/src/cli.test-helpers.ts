import type { FetchLike } from '@tasksgodzilla/client';
import { runCli } from './cli.js';
import type { CliDefaults, CliDeps } from './cli.types.js';

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal | undefined;
}

export type Route = (request: RecordedRequest) => Response | Promise<Response>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

export function text(body: string, status = 200): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain' } });
}

/** A fake api: `'GET /projects/1': () => json({...})`; unknown routes answer 404 `Not Found`. */
export function fakeApi(routes: Record<string, Route>): { fetch: FetchLike; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const fetch: FetchLike = async (input, init) => {
    const url = new URL(input);
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const request = { method: init?.method ?? 'GET', url, headers, body, signal: init?.signal ?? undefined };
    requests.push(request);
    const route = routes[`${request.method} ${url.pathname}`];
    return route ? route(request) : json({ detail: 'Not Found' }, 404);
  };
  return { fetch, requests };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const DEFAULTS: CliDefaults = { apiBase: 'http://api.test:8010', token: undefined, projectToken: undefined };

/** Runs the cli in-process against a fake fetch, capturing its output. */
export async function run(
  argv: string[],
  options: Partial<CliDeps> & { fetch?: FetchLike; onLine?: (line: string) => void } = {},
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    defaults: DEFAULTS,
    ...options,
    io: options.io ?? {
      stdout: {
        write: (chunk: string) => {
          stdout += chunk;
          if (options.onLine) for (const line of chunk.split('\n').filter(Boolean)) options.onLine(line);
          return true;
        },
      },
      stderr: { write: (chunk: string) => ((stderr += chunk), true) },
    },
  });
  return { code, stdout, stderr };
}

export const PROJECT = {
  id: 1,
  name: 'demo',
  git_url: '/srv/git/demo.git',
  base_branch: 'main',
  local_path: null,
  ci_provider: null,
  secrets: null,
  default_models: null,
  created_at: '2026-11-27T17:00:00.000Z',
  updated_at: '2026-11-27T17:00:01.000Z',
};

export function protocolRun(status: string, extra: Record<string, unknown> = {}) {
  return {
    id: 2,
    project_id: 1,
    protocol_name: '0001-demo',
    status,
    base_branch: 'main',
    branch_name: '0001-demo',
    worktree_path: null,
    protocol_root: null,
    description: null,
    template_config: null,
    template_source: null,
    auto_advance: true,
    spec_hash: null,
    spec_validation_status: null,
    spec_validated_at: null,
    created_at: '2026-11-27T17:00:00.000Z',
    updated_at: '2026-11-27T17:00:00.000Z',
    ...extra,
  };
}

export function event(id: number, type: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    project_id: 1,
    protocol_run_id: 2,
    step_run_id: null,
    event_type: type,
    message: `${type} happened`,
    metadata: null,
    created_at: `2026-11-27T17:00:${String(id).padStart(2, '0')}.000Z`,
    ...extra,
  };
}

/** Expects `text` to contain each of `parts`: one assertion per part. */
export function expectToContainAll(text: string, parts: readonly string[]): void {
  for (const part of parts) expect(text).toContain(part);
}
