// Orchestration cost per step: a protocol of trivial steps run by the api with its inline worker on
// the shell engine (execute, QA checks, one commit and one push per step), beside a bare shell loop
// doing the same git work in a clone: run the step's block, run its check, git add, git commit, git
// push. The product pushes every successful step's commit (services-execution, as the original did:
// the remote holds the progress a CI or a person looks at), so the ceiling pushes per step too. The
// product's push runs behind the step's job (queued per worktree; the step's QA and the next step do
// not wait for it, the run's end does), the loop's push in line: the git work is the same, the product
// overlaps it with its own.
// What the product does on top per step (issue 12, measured on the built api): two jobs (execute_step,
// run_quality) handed over in ~3 ms; 4 git processes (the attempt's worktree snapshot: add -A into a
// kept copy of the index; commitAll: add -A, commit; push) where the loop has 3 (HEAD, its message, the new
// commit's files and origin's URL are read from the repository's files); the run's end pushes once more.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, createOrigin } from '@tasksgodzilla/testing/api-process';
import { API_TOKEN, spawnApi } from '../lib/apps.mjs';
import { firstOk } from '../lib/processes.mjs';

const IDENTITY = { name: 'TasksGodzilla Bench', email: 'bench@tasksgodzilla.invalid' };
const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const stepName = (i) => `${String(i).padStart(2, '0')}-step`;
const stepBlock = (i) => `mkdir -p out && echo "step ${i}" > out/step-${i}.txt`;
const stepCheck = (i) => `test -f out/step-${i}.txt`;

/** A protocol template folder of `count` trivial steps (one shell block and one check each). */
function writeTemplate(dir, count) {
  mkdirSync(dir, { recursive: true });
  const names = Array.from({ length: count }, (_, i) => stepName(i));
  writeFileSync(
    join(dir, 'plan.md'),
    `# Plan: bench\n\n${names.map((name) => `- [ ] ${name}: write one file`).join('\n')}\n`,
  );
  writeFileSync(join(dir, 'context.md'), '# Context\n\nBenchmark protocol.\n');
  writeFileSync(join(dir, 'log.md'), '# Log\n');
  names.forEach((name, i) =>
    writeFileSync(
      join(dir, `${name}.md`),
      `# ${name}\n\nWrite one file.\n\n\`\`\`sh\n${stepBlock(i)}\n\`\`\`\n\n\`\`\`sh check\n${stepCheck(i)}\n\`\`\`\n`,
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

/** Milliseconds per step of the product: from the run's first step event to its last, over `count` steps. */
async function productPerStep(dir, count, timeoutMs) {
  const env = cleanEnv(dir, IDENTITY);
  const origin = createOrigin(dir, env, { 'README.md': '# bench\n' });
  const template = join(dir, 'template');
  writeTemplate(template, count);
  const api = await spawnApi(dir, join(dir, 'bench.sqlite'), {
    ...env,
    TASKSGODZILLA_INLINE_RQ_WORKER: 'true',
    TASKSGODZILLA_GIT_USER: IDENTITY.name,
    TASKSGODZILLA_GIT_EMAIL: IDENTITY.email,
  });
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
    const run = (
      await call(api.base, 'POST', `/projects/${project.id}/protocols`, {
        protocol_name: '0001-bench',
        template,
        auto_advance: true,
      })
    ).json;
    await call(api.base, 'POST', `/protocols/${run.id}/actions/start`);
    const final = await until(
      async () => (await call(api.base, 'GET', `/protocols/${run.id}`)).json,
      (current) => ['completed', 'failed', 'blocked', 'cancelled'].includes(current.status),
      'the protocol run',
      timeoutMs,
    );
    if (final.status !== 'completed') throw new Error(`the benchmark protocol ended ${final.status}`);
    const times = [];
    let cursor = null;
    do {
      const page = await call(
        api.base,
        'GET',
        `/events?protocol_run_id=${run.id}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      for (const event of page.json) if (event.step_run_id !== null) times.push(Date.parse(event.created_at));
      cursor = page.next;
    } while (cursor);
    const steps = (await call(api.base, 'GET', `/protocols/${run.id}/steps`)).json;
    if (steps.length !== count || steps.some((step) => step.status !== 'completed'))
      throw new Error(`expected ${count} completed steps, got ${steps.map((step) => step.status).join(', ')}`);
    return (Math.max(...times) - Math.min(...times)) / count;
  } finally {
    await api.stop();
  }
}

/** Milliseconds per step of a bare loop in a clone: sh block, sh check, git add -A, git commit, git push. */
function barePerStep(dir, count) {
  const env = cleanEnv(dir, IDENTITY);
  const origin = createOrigin(dir, env, { 'README.md': '# bench\n' });
  const clone = join(dir, 'clone');
  const run = (cmd, args, cwd = clone) => execFileSync(cmd, args, { cwd, env, stdio: 'ignore' });
  run('git', ['clone', '-q', origin, clone], dir);
  run('git', ['switch', '-q', '-c', '0001-bench']);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    run('sh', ['-c', stepBlock(i)]);
    run('sh', ['-c', stepCheck(i)]);
    run('git', ['add', '-A']);
    run('git', ['commit', '-q', '-m', `0001-bench: ${stepName(i)}`]);
    run('git', ['push', '-q', 'origin', '0001-bench']);
  }
  return (performance.now() - started) / count;
}

export async function steps({ dir, options }) {
  const count = options.quick ? 10 : 50;
  mkdirSync(join(dir, 'product'));
  mkdirSync(join(dir, 'bare'));
  const project = await productPerStep(join(dir, 'product'), count, options.quick ? 300_000 : 900_000);
  const ceiling = barePerStep(join(dir, 'bare'), count);
  return [
    {
      id: 'step_orchestration_ms',
      figure: `orchestration per trivial step (shell engine, ${count} steps, api + inline worker)`,
      unit: 'ms',
      project,
      ceiling,
      ceilingLabel: 'bare loop: sh block + sh check + git add + git commit + git push',
      better: 'lower',
      goal: { ratio: 1 / 1.5 },
    },
  ];
}
