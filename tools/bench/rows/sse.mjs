// Live event-stream clients: a protocol of trivial steps run by the api with its inline worker on the
// shell engine, timed with no client and with 200 clients reading `GET /events/stream`; and the idle
// api's CPU with those clients connected, beside the same with none.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { cleanEnv, createOrigin } from '@tasksgodzilla/testing/api-process';
import { API_TOKEN, spawnApi } from '../lib/apps.mjs';
import { firstOk } from '../lib/processes.mjs';

const IDENTITY = { name: 'TasksGodzilla Bench', email: 'bench@tasksgodzilla.invalid' };
const CLIENTS = 200;
const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A protocol template folder of `count` trivial steps (one shell block and one check each). */
function writeTemplate(dir, count) {
  mkdirSync(dir, { recursive: true });
  const names = Array.from({ length: count }, (_, i) => `${String(i).padStart(2, '0')}-step`);
  writeFileSync(join(dir, 'plan.md'), `# Plan: sse\n\n${names.map((name) => `- [ ] ${name}: one file`).join('\n')}\n`);
  writeFileSync(join(dir, 'context.md'), '# Context\n\nBenchmark protocol.\n');
  writeFileSync(join(dir, 'log.md'), '# Log\n');
  names.forEach((name, i) =>
    writeFileSync(
      join(dir, `${name}.md`),
      `# ${name}\n\nWrite one file.\n\n\`\`\`sh\nmkdir -p out && echo ${i} > out/${i}.txt\n\`\`\`\n\n\`\`\`sh check\ntest -f out/${i}.txt\n\`\`\`\n`,
    ),
  );
}

async function call(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${API_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return { json: text ? JSON.parse(text) : null, next: response.headers.get('x-next-cursor') };
}

async function until(read, done, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 300)}`);
    await settle(100);
  }
}

/**
 * CPU time of a process so far in ms, in nanosecond precision: the sum of its threads' run time
 * (/proc/<pid>/task/<tid>/schedstat, first field). /proc/<pid>/stat counts 10 ms ticks, too coarse
 * for a few seconds of an idle process.
 */
function cpuTimeMs(pid) {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return ns / 1e6;
}

/** The process's CPU use over `ms` of wall time (after `ms / 2` for what it was doing to end), in ms of CPU per second. */
async function cpuPerSecond(pid, ms) {
  await settle(ms / 2);
  const cpu = cpuTimeMs(pid);
  const started = performance.now();
  await settle(ms);
  return ((cpuTimeMs(pid) - cpu) * 1000) / (performance.now() - started);
}

/**
 * `count` clients of `GET /events/stream` that only read: each remembers the last `id:` it saw.
 * Resolves once every one has its `: connected` line.
 */
async function connectClients(base, count) {
  const { hostname, port } = new URL(base);
  const clients = [];
  const opened = [];
  for (let i = 0; i < count; i++) {
    const client = { lastId: 0, request: null, tail: '' };
    opened.push(
      new Promise((resolve, reject) => {
        client.request = request(
          {
            host: hostname,
            port,
            path: '/events/stream',
            headers: { authorization: `Bearer ${API_TOKEN}`, accept: 'text/event-stream' },
            agent: false,
          },
          (response) => {
            if (response.statusCode !== 200) reject(new Error(`/events/stream answered ${response.statusCode}`));
            response.setEncoding('utf8');
            response.on('data', (chunk) => {
              const text = client.tail + chunk;
              const cut = text.lastIndexOf('\n');
              client.tail = text.slice(cut + 1);
              for (const match of text.slice(0, cut + 1).matchAll(/^id: (\d+)$/gm)) client.lastId = Number(match[1]);
              if (text.includes(': connected')) resolve();
            });
            response.on('error', () => undefined);
          },
        );
        client.request.on('error', reject);
        client.request.end();
      }),
    );
    clients.push(client);
  }
  await Promise.all(opened);
  return {
    clients,
    close: () => {
      for (const client of clients) client.request.destroy();
    },
  };
}

/** Starts a protocol of the template and waits for it to complete; ms from its first step event to its last, and its last event id. */
async function timedRun(base, projectId, name, template, count, timeoutMs) {
  const run = (
    await call(base, 'POST', `/projects/${projectId}/protocols`, { protocol_name: name, template, auto_advance: true })
  ).json;
  await call(base, 'POST', `/protocols/${run.id}/actions/start`);
  const final = await until(
    async () => (await call(base, 'GET', `/protocols/${run.id}`)).json,
    (current) => ['completed', 'failed', 'blocked', 'cancelled'].includes(current.status),
    'the protocol run',
    timeoutMs,
  );
  if (final.status !== 'completed') throw new Error(`the benchmark protocol ended ${final.status}`);
  const times = [];
  let lastId = 0;
  let cursor = null;
  do {
    const page = await call(
      base,
      'GET',
      `/events?protocol_run_id=${run.id}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    for (const event of page.json) {
      lastId = Math.max(lastId, event.id);
      if (event.step_run_id !== null) times.push(Date.parse(event.created_at));
    }
    cursor = page.next;
  } while (cursor);
  const steps = (await call(base, 'GET', `/protocols/${run.id}/steps`)).json;
  if (steps.length !== count || steps.some((step) => step.status !== 'completed'))
    throw new Error(`expected ${count} completed steps, got ${steps.map((step) => step.status).join(', ')}`);
  return { ms: Math.max(...times) - Math.min(...times), lastId };
}

export async function sse({ dir, options }) {
  const count = options.quick ? 10 : 20;
  const idleMs = options.quick ? 2500 : 5000;
  const timeoutMs = options.quick ? 120_000 : 300_000;
  const env = cleanEnv(dir, IDENTITY);
  const origin = createOrigin(dir, env, { 'README.md': '# bench\n' });
  const template = join(dir, 'template');
  writeTemplate(template, count);
  const warmTemplate = join(dir, 'warm');
  writeTemplate(warmTemplate, 3);
  const api = await spawnApi(dir, join(dir, 'bench.sqlite'), {
    ...env,
    TASKSGODZILLA_INLINE_RQ_WORKER: 'true',
    TASKSGODZILLA_GIT_USER: IDENTITY.name,
    TASKSGODZILLA_GIT_EMAIL: IDENTITY.email,
  });
  let streams = null;
  try {
    await firstOk(`${api.base}/health`, performance.now());
    const project = (await call(api.base, 'POST', '/projects', { name: 'bench', git_url: origin, base_branch: 'main' }))
      .json;
    await until(
      async () => (await call(api.base, 'GET', `/projects/${project.id}/onboarding`)).json,
      (summary) => summary.status === 'completed',
      'onboarding',
      timeoutMs,
    );
    const pid = api.child.pid;
    // A first short run warms the api up (JIT, statement caches), so neither timed run pays for it.
    await timedRun(api.base, project.id, '0001-warm', warmTemplate, 3, timeoutMs);
    const idleBare = await cpuPerSecond(pid, idleMs);
    let cpu = cpuTimeMs(pid);
    const bare = await timedRun(api.base, project.id, '0002-bare', template, count, timeoutMs);
    const bareCpu = cpuTimeMs(pid) - cpu;
    streams = await connectClients(api.base, CLIENTS);
    const idleStreams = await cpuPerSecond(pid, idleMs);
    cpu = cpuTimeMs(pid);
    const streamed = await timedRun(api.base, project.id, '0003-streamed', template, count, timeoutMs);
    // Every client must have received the run's last event: a stream that fell behind is not a free run.
    await until(
      async () => streams.clients.filter((client) => client.lastId < streamed.lastId).length,
      (behind) => behind === 0,
      'every stream client to receive the run',
      timeoutMs,
    );
    const streamedCpu = cpuTimeMs(pid) - cpu;
    return [
      {
        id: 'sse_run_ms',
        figure: `${count}-step run with ${CLIENTS} live event-stream clients (shell engine, api + inline worker)`,
        unit: 'ms',
        project: streamed.ms,
        ceiling: bare.ms,
        ceilingLabel: 'the same run with no client',
        better: 'lower',
        goal: { ratio: 1 / 1.1 },
      },
      {
        id: 'sse_run_cpu_ms',
        figure: `api CPU time of that run with ${CLIENTS} live event-stream clients`,
        unit: 'ms',
        project: streamedCpu,
        ceiling: bareCpu,
        ceilingLabel: 'the same run with no client',
        better: 'lower',
        goal: { ratio: 1 / 1.1 },
      },
      {
        id: 'sse_idle_cpu',
        figure: `idle api CPU with ${CLIENTS} event-stream clients connected`,
        unit: 'ms/s',
        project: idleStreams,
        ceiling: idleBare,
        ceilingLabel: 'the same idle api with no client',
        better: 'lower',
        goal: { max: 5 },
      },
    ];
  } finally {
    streams?.close();
    await api.stop();
  }
}
