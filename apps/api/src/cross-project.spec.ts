import { createClient } from '@tasksgodzilla/client';
import { type Loose, useApi } from './api.test-helpers.js';

// Issue 10, must fix 4: with only project B's token, nothing of project A is visible or actionable.
// The walk reads every operation of /openapi.json: a route missing from CASES fails the test, so a new
// route cannot be left unscoped by oversight.

const GLOBAL = 'global-bearer';
const A_NAME = 'alpha-private-project';
const B_NAME = 'bravo-project';

type Expect = 'denied' | 'list' | 'global' | 'public' | 'webhook';
interface Case {
  expect: Expect;
  path?: string;
  query?: Record<string, string | number>;
  body?: unknown;
}
interface Ids {
  a: number;
  b: number;
  run: number;
  step: number;
  job: string;
  webhook: number;
}

/** How each operation is called with B's token against A's ids, and what it must answer. */
function cases(ids: Ids, originPath: string): Record<string, Case[]> {
  const denied = (extra: Omit<Case, 'expect'> = {}): Case => ({ expect: 'denied', ...extra });
  return {
    'GET /health': [{ expect: 'public' }],
    'GET /metrics': [{ expect: 'public' }],
    'GET /': [{ expect: 'public' }],
    'GET /console': [{ expect: 'public' }],
    'GET /console/static/{*}': [{ expect: 'public', path: '/console/static/console.css' }],
    'POST /projects': [{ expect: 'global', body: { name: 'made-by-b', git_url: originPath } }],
    'GET /projects': [{ expect: 'list' }],
    'GET /projects/{project_id}': [denied()],
    'GET /projects/{project_id}/branches': [denied()],
    'POST /projects/{project_id}/branches/{*}': [
      denied({ path: `/projects/${ids.a}/branches/main/delete`, body: { confirm: true } }),
    ],
    'POST /projects/{project_id}/protocols': [denied({ body: { protocol_name: '0009-by-b' } })],
    'GET /projects/{project_id}/protocols': [denied()],
    'POST /projects/{project_id}/codemachine/import': [
      denied({ body: { protocol_name: 'cm-by-b', workspace_path: originPath } }),
    ],
    'GET /projects/{project_id}/onboarding': [denied()],
    'POST /projects/{project_id}/protocols/from-issue': [denied({ body: { issue: 7 } })],
    'GET /projects/{project_id}/issue-settings': [denied()],
    'PUT /projects/{project_id}/issue-settings': [denied({ body: { auto_start: true } })],
    'GET /projects/{project_id}/webhooks': [denied()],
    'POST /projects/{project_id}/webhooks': [
      denied({ body: { url: 'http://127.0.0.1:9/by-b', event_filter: ['completed'] } }),
    ],
    'GET /projects/{project_id}/webhooks/{webhook_id}': [denied()],
    'PUT /projects/{project_id}/webhooks/{webhook_id}': [denied({ body: { enabled: false } })],
    'DELETE /projects/{project_id}/webhooks/{webhook_id}': [denied()],
    'GET /projects/{project_id}/webhooks/{webhook_id}/deliveries': [denied()],
    'POST /projects/{project_id}/onboarding/actions/start': [denied()],
    'POST /projects/{project_id}/actions/discover': [denied(), denied({ body: { engine_id: 'shell' } })],
    'GET /protocols/{id}': [denied()],
    'GET /protocols/{id}/spec': [denied()],
    'GET /protocols/{id}/usage': [denied()],
    'POST /protocols/{id}/actions/start': [denied({ query: { replan: 'true' } })],
    'POST /protocols/{id}/actions/pause': [denied()],
    'POST /protocols/{id}/actions/resume': [denied()],
    'POST /protocols/{id}/actions/cancel': [denied()],
    'POST /protocols/{id}/actions/run_next_step': [denied()],
    'POST /protocols/{id}/actions/retry_latest': [denied()],
    'POST /protocols/{id}/actions/open_pr': [denied()],
    'POST /protocols/{id}/steps': [denied({ body: { step_index: 9, step_name: '09-by-b', step_type: 'work' } })],
    'GET /protocols/{id}/steps': [denied()],
    'GET /protocols/{id}/events': [denied()],
    'GET /steps/{step_id}': [denied()],
    'GET /steps/{step_id}/log': [denied()],
    'GET /steps/{step_id}/diff': [denied()],
    'POST /steps/{step_id}/actions/run': [denied()],
    'POST /steps/{step_id}/actions/run_qa': [denied()],
    'POST /steps/{step_id}/actions/approve': [denied()],
    'POST /steps/{step_id}/answer': [denied({ body: { answer: 'by b' } })],
    'GET /events': [
      { expect: 'list' },
      { expect: 'list', query: { kind: 'onboarding' } },
      denied({ query: { project_id: ids.a } }),
      denied({ query: { protocol_run_id: ids.run } }),
    ],
    // Without ids the stream stays open; it is read over a socket in its own test below.
    'GET /events/stream': [
      denied({ query: { project_id: ids.a } }),
      denied({ query: { protocol_run_id: ids.run, last_event_id: 0 } }),
    ],
    'GET /queues': [{ expect: 'list' }],
    'GET /queues/jobs': [{ expect: 'list' }, { expect: 'list', query: { status: 'succeeded' } }],
    'POST /queues/jobs/{job_id}/retry': [denied()],
    'POST /queues/jobs/{job_id}/cancel': [denied()],
    'GET /codex/runs': [{ expect: 'list' }],
    'POST /codex/runs/start': [denied({ body: { job_type: 'restart-a', run_id: ids.job } })],
    'GET /codex/runs/{run_id}': [denied()],
    'GET /codex/runs/{run_id}/logs': [denied()],
    'GET /console/runs': [{ expect: 'list' }],
    'POST /specs/audit': [
      denied({ body: { project_id: ids.a } }),
      denied({ body: { protocol_id: ids.run } }),
      { expect: 'list', body: {} },
    ],
    // Authenticated by the webhook secret (CI), never by project tokens; refused here (no secret set).
    'POST /webhooks/github': [{ expect: 'webhook', query: { protocol_run_id: ids.run }, body: { state: 'failure' } }],
    'POST /webhooks/gitlab': [{ expect: 'webhook', query: { protocol_run_id: ids.run }, body: {} }],
  };
}

function fill(template: string, ids: Ids): string {
  return template
    .replace('{project_id}', String(ids.a))
    .replace('{id}', String(ids.run))
    .replace('{step_id}', String(ids.step))
    .replace('{webhook_id}', String(ids.webhook))
    .replace('{job_id}', encodeURIComponent(ids.job))
    .replace('{run_id}', encodeURIComponent(ids.job));
}

/** True when a response names project A: its name, or a row whose project is A. */
function mentionsA(text: string, a: number): boolean {
  return text.includes(A_NAME) || new RegExp(`"project_id":${a}[,}]`).test(text);
}

describe('cross-project access: project B token against project A (every OpenAPI route)', () => {
  const h = useApi({ config: { apiToken: GLOBAL } });
  let ids: Ids;
  const bearer = { authorization: `Bearer ${GLOBAL}` };
  const asA = { ...bearer, 'x-project-token': 'token-a' };
  const asB = { ...bearer, 'x-project-token': 'token-b' };

  /** Everything of A that an action could change. */
  async function snapshotA(): Promise<unknown> {
    const read = async (url: string) => (await h.call('GET', url, { headers: asA })).body as Loose;
    return {
      project: await read(`/projects/${ids.a}`),
      runs: await read(`/projects/${ids.a}/protocols`),
      webhooks: await read(`/projects/${ids.a}/webhooks`),
      steps: await read(`/protocols/${ids.run}/steps`),
      events: ((await read(`/events?project_id=${ids.a}&limit=500`)) as Loose[]).length,
      jobs: ((await read('/queues/jobs?limit=500')) as Loose[]).map((job) => [job.job_id, job.status, job.attempts]),
    };
  }

  beforeAll(async () => {
    const a = await h.project({ name: A_NAME, secrets: { api_token: 'token-a' } }, bearer);
    const b = await h.project({ name: B_NAME, secrets: { api_token: 'token-b' } }, bearer);
    const planned = await h.planned(a, '0001-alpha', {}, asA);
    await h.call('POST', `/protocols/${planned.id}/actions/cancel`, { headers: asA });
    const jobs = (await h.call('GET', '/queues/jobs', { headers: asA })).body as Loose[];
    const job = jobs.find((j) => j.meta.project_id === a);
    if (!job) throw new Error('project A has no job');
    const webhook = await h.call('POST', `/projects/${a}/webhooks`, {
      headers: asA,
      body: { url: 'http://127.0.0.1:9/alpha', secret: 'alpha-hook-secret', event_filter: ['completed'] },
    });
    ids = { a, b, run: planned.id, step: planned.steps[0]!.id, job: job.job_id, webhook: webhook.body.id as number };
  });

  it('denies every id route of A, keeps A out of every list, and leaves A unchanged', async () => {
    const doc = (await h.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const table = cases(ids, h.repo.originPath);
    const before = await snapshotA();
    const walked: string[] = [];
    const unlisted: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const method of Object.keys(operations)) {
        const key = `${method.toUpperCase()} ${path}`;
        const entries = table[key];
        if (!entries) {
          unlisted.push(key);
          continue;
        }
        for (const entry of entries) {
          const url = entry.path ?? fill(path, ids);
          const res = await h.call(method.toUpperCase() as 'GET', url, {
            headers: asB,
            query: entry.query,
            ...(entry.body !== undefined ? { body: entry.body } : {}),
          });
          const label = `${key} ${JSON.stringify(entry.query ?? {})} ${JSON.stringify(entry.body ?? null)}`;
          walked.push(label);
          if (entry.expect === 'denied') expect([label, [401, 404].includes(res.status)]).toEqual([label, true]);
          if (entry.expect === 'webhook') expect([label, res.status]).toEqual([label, 401]);
          if (entry.expect === 'list' || entry.expect === 'global') expect([label, res.status]).toEqual([label, 200]);
          if (entry.expect === 'public') expect([label, res.status < 400]).toEqual([label, true]);
          if (entry.expect !== 'public') expect([label, mentionsA(res.text, ids.a)]).toEqual([label, false]);
        }
      }
    }
    expect(unlisted).toEqual([]);
    expect(walked.length).toBeGreaterThanOrEqual(Object.keys(table).length);
    expect(await snapshotA()).toEqual(before);
  });

  it("shows B its own rows, so the filters are not simply empty; a spec audit without ids audits B's project only", async () => {
    const projects = (await h.call('GET', '/projects', { headers: asB })).body as Loose[];
    expect(projects.map((p) => p.name)).toEqual([B_NAME]);
    const events = (await h.call('GET', '/events', { headers: asB })).body as Loose[];
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.project_id))).toEqual(new Set([ids.b]));
    const jobs = (await h.call('GET', '/queues/jobs', { headers: asB })).body as Loose[];
    expect(new Set(jobs.map((j) => j.meta.project_id))).toEqual(new Set([ids.b]));
    // Queue stats count B's jobs only; the global caller counts everyone's.
    const total = (stats: Loose) =>
      Object.entries(stats)
        .filter(([key]) => key !== 'backend')
        .reduce(
          (sum, [, counts]) => sum + Object.values(counts as Record<string, number>).reduce((a, b) => a + b, 0),
          0,
        );
    const allJobs = (await h.call('GET', '/queues/jobs?limit=500', { headers: bearer })).body as Loose[];
    expect(allJobs.some((j) => j.meta.project_id === ids.a)).toBe(true);
    expect(total((await h.call('GET', '/queues', { headers: asB })).body)).toBe(jobs.length);
    expect(total((await h.call('GET', '/queues', { headers: bearer })).body)).toBe(allJobs.length);
    // A run registered with B's token is B's: B reads it back, A does not see it.
    const started = await h.call('POST', '/codex/runs/start', { headers: asB, body: { job_type: 'external-b' } });
    expect(started.status).toBe(200);
    expect((await h.call('GET', `/codex/runs/${started.body.run_id}`, { headers: asB })).status).toBe(200);
    expect((await h.call('GET', `/codex/runs/${started.body.run_id}`, { headers: asA })).status).toBe(404);
    const audit = await h.call('POST', '/specs/audit', { headers: asB, body: {} });
    expect(audit.status).toBe(200);
    expect(audit.body.job.payload.project_id).toBe(ids.b);
    // The global bearer token alone keeps full access.
    const all = (await h.call('GET', '/projects', { headers: bearer })).body as Loose[];
    expect(all.map((p) => p.name)).toEqual(expect.arrayContaining([A_NAME, B_NAME]));
  });

  it('refuses a project token no project holds (401), and a B token on A even when A has no token of its own', async () => {
    expect((await h.call('GET', '/events', { headers: { ...bearer, 'x-project-token': 'nobody' } })).status).toBe(401);
    const open = await h.project({ name: 'open-project' }, bearer);
    expect((await h.call('GET', `/projects/${open}`, { headers: asB })).status).toBe(401);
    expect((await h.call('GET', `/projects/${open}`, { headers: bearer })).status).toBe(200);
  });

  it("streams B's events only, over a real socket", async () => {
    const baseUrl = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const newestOfB = ((await h.call('GET', '/events?limit=1', { headers: asB })).body as Loose[])[0]!.id as number;
    const client = createClient({ baseUrl, token: GLOBAL, projectToken: 'token-b' });
    const controller = new AbortController();
    const seen: Loose[] = [];
    for await (const event of client.streamEvents({ last_event_id: 0, signal: controller.signal })) {
      seen.push(event);
      if (event.id >= newestOfB) break;
    }
    controller.abort();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((e) => e.project_id !== ids.b)).toEqual([]);
  });
});
