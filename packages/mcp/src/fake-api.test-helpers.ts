import { createClient, type TasksGodzillaClient } from '@tasksgodzilla/client';
import { FIXTURE_TIME } from '@tasksgodzilla/testing/client-fixtures';

/** One request the fake api saw. */
export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

type Reply = { status?: number; body?: unknown; headers?: Record<string, string> };
type Route = (request: SeenRequest, params: string[]) => Reply;

/**
 * A client whose fetch answers from `routes` (`'GET /protocols/(\\d+)'` → handler), as the api would:
 * JSON bodies, text for logs, `{detail}` error bodies. Unknown routes answer 404.
 */
export function fakeApi(routes: Record<string, Route>): { client: TasksGodzillaClient; seen: SeenRequest[] } {
  const seen: SeenRequest[] = [];
  const compiled = Object.entries(routes).map(([key, route]) => {
    const [method, pattern] = key.split(' ') as [string, string];
    return { method, pattern: new RegExp(`^${pattern}$`), route };
  });
  const fetch = async (input: string, init?: RequestInit): Promise<Response> => {
    const url = new URL(input);
    const request: SeenRequest = {
      method: init?.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: typeof init?.body === 'string' && init.body !== '' ? JSON.parse(init.body) : undefined,
    };
    seen.push(request);
    for (const { method, pattern, route } of compiled) {
      const match = method === request.method ? pattern.exec(request.path) : null;
      if (!match) continue;
      const reply = route(request, match.slice(1));
      const text = typeof reply.body === 'string';
      return new Response(text ? (reply.body as string) : JSON.stringify(reply.body ?? null), {
        status: reply.status ?? 200,
        headers: { 'content-type': text ? 'text/plain' : 'application/json', ...reply.headers },
      });
    }
    return new Response(JSON.stringify({ detail: 'Not Found' }), {
      status: 404,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { client: createClient({ baseUrl: 'http://api.test', fetch }), seen };
}

/** An ActionResponse with a queued job of `jobType`. */
export const job = (jobType: string) => ({
  message: 'queued',
  job: {
    job_id: 'j1',
    job_type: jobType,
    payload: { job_id: 'j1' },
    status: 'queued',
    queue: 'default',
    created_at: FIXTURE_TIME,
    attempts: 0,
    max_attempts: 3,
    next_run_at: null,
    started_at: null,
    ended_at: null,
    result: null,
    error: null,
    meta: {},
  },
});
