import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv } from '@tasksgodzilla/testing/api-process';
import {
  CLI_MAIN,
  DEMO_TEMPLATE,
  assertBuilt,
  createOrigin,
  startApi,
  tgz,
  type ApiProcess,
} from './e2e.test-helpers.js';

// The local-first workflow with NO api running: the built `tgz` starts the runtime, the api and a
// worker in its own process (local mode), in a fresh repository whose origin is a local bare repo
// reached under a GitHub URL, so the draft PR goes to a stand-in GitHub REST API. Then the same
// plan/run flow against a running built api with --api.

const IDENTITY = { name: 'TasksGodzilla E2E', email: 'e2e@tasksgodzilla.invalid' };
const REMOTE = 'https://github.com/acme/demo.git';
const STEPS = ['00-setup.md', '01-script.md', '02-test.md'];

interface PullRequest {
  path: string;
  body: Record<string, unknown>;
}

/** A stand-in for GitHub's "create a pull request" endpoint; records each request. */
async function startFakeGithub(pulls: PullRequest[]): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      if (request.method !== 'POST') {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
        return;
      }
      const body = JSON.parse(text || '{}') as Record<string, unknown>;
      pulls.push({ path: request.url ?? '', body });
      response
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ number: pulls.length, html_url: `https://github.com/acme/demo/pull/${pulls.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function git(cwd: string, args: string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${cwd}:\n${result.stderr}`);
  return result.stdout.trim();
}

/** A clone of `origin` whose origin is REMOTE, rewritten to the bare repository. */
function cloneAsGithub(origin: string, target: string, env: NodeJS.ProcessEnv, branch = 'main'): string {
  git(join(target, '..'), ['clone', '-q', '-b', branch, origin, target], env);
  git(target, ['remote', 'set-url', 'origin', REMOTE], env);
  git(target, ['config', `url.${origin}.insteadOf`, REMOTE], env);
  return target;
}

describe('local-first: tgz init, plan, run and qa with no api running', () => {
  let work: string;
  let env: NodeJS.ProcessEnv;
  let origin: string;
  let repo: string;
  let github: { server: Server; url: string };
  const pulls: PullRequest[] = [];

  /** `tgz <args>` in `cwd` (the repository by default), local mode: no api configured. */
  const local = (args: string[], cwd = repo, extra: NodeJS.ProcessEnv = {}) =>
    tgz(args, { cwd, env: { ...env, ...extra }, timeoutMs: 300_000 });

  beforeAll(async () => {
    assertBuilt();
    work = mkdtempSync(join(tmpdir(), 'tgz-local-e2e-'));
    github = await startFakeGithub(pulls);
    const base = cleanEnv(work, IDENTITY);
    mkdirSync(join(work, 'home'));
    env = {
      ...base,
      // The user's data folders are temp folders: nothing of the real home is read or written.
      HOME: join(work, 'home'),
      XDG_DATA_HOME: join(work, 'xdg'),
      TASKSGODZILLA_DEFAULT_ENGINE: 'shell',
      TASKSGODZILLA_GIT_USER: IDENTITY.name,
      TASKSGODZILLA_GIT_EMAIL: IDENTITY.email,
      TASKSGODZILLA_GH_SSH: 'false',
      TASKSGODZILLA_GITHUB_API_URL: github.url,
      GITHUB_TOKEN: 'forge-token',
      // No gh/glab: the PR goes through the REST API (the stand-in).
      PATH: ['/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    };
    origin = createOrigin(work, env);
    repo = cloneAsGithub(origin, join(work, 'repo'), env);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (github ? github.server.close(() => resolve()) : resolve()));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('init registers the repository and adds the starter assets uncommitted; a second init changes nothing', async () => {
    const first = await local(['init']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Registered project 1 (repo)');
    expect(first.stdout).toMatch(/Starter assets added \(not committed\): .*scripts\/ci\/test\.sh/);
    expect(existsSync(join(repo, '.github', 'workflows', 'tasksgodzilla-qa.yml'))).toBe(true);
    expect(git(repo, ['log', '--oneline'], env).split('\n')).toHaveLength(1);
    expect(git(repo, ['config', '--get', 'remote.origin.url'], env)).toBe(REMOTE);
    const status = git(repo, ['status', '--porcelain'], env);
    // The database, logs and worktrees live in the data folder, never in the repository.
    expect(existsSync(join(work, 'xdg', 'tasksgodzilla', 'tasksgodzilla.sqlite'))).toBe(true);
    expect(status).not.toMatch(/tasksgodzilla\.sqlite|\.tasksgodzilla|worktrees/);

    const second = await local(['init']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Project 1 (repo) is already registered');
    expect(second.stdout).toContain('Nothing changed');
    expect(git(repo, ['status', '--porcelain'], env)).toBe(status);
  });

  it('plan from a template on the shell engine opens a draft PR; run --all completes with one commit per step', async () => {
    const plan = await local([
      'plan',
      'Add a greeting script',
      '--template',
      DEMO_TEMPLATE,
      '--engine',
      'shell',
      '--pr',
      'draft',
    ]);
    expect(plan.stderr).toContain('Protocol 0001-add-a-greeting-script');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      'Planned 0001-add-a-greeting-script (protocol 2) on branch 0001-add-a-greeting-script',
    );
    for (const step of STEPS) expect(plan.stdout).toContain(step);
    expect(pulls).toEqual([
      expect.objectContaining({
        path: '/repos/acme/demo/pulls',
        body: expect.objectContaining({ head: '0001-add-a-greeting-script', base: 'main', draft: true }),
      }),
    ]);

    const run = await local(['run', '--all']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Protocol 2 \(0001-add-a-greeting-script\) is completed; cost /);
    expect(run.stdout).toContain('qa_passed');
    const branch = '0001-add-a-greeting-script';
    const subjects = git(origin, ['log', '--format=%s', `main..${branch}`], env).split('\n');
    for (const step of STEPS) expect(subjects.filter((s) => s.includes(step))).toHaveLength(1);
    // Running it again: nothing left to do.
    const again = await local(['run', '2', '--all']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('is completed');
  });

  it('qa is a CI gate: exit 1 on a failing check, 0 after the fix, with a report each time', async () => {
    const ci = cloneAsGithub(origin, join(work, 'ci'), env, '0001-add-a-greeting-script');
    const protocol = join('.protocols', '0001-add-a-greeting-script');
    const ciEnv = { XDG_DATA_HOME: join(work, 'ci-data') };
    writeFileSync(join(ci, 'src', 'greet.mjs'), 'console.log("Goodbye");\n');
    const failing = await local(
      ['qa', '--protocol', protocol, '--step', '01-script.md', '--engine', 'shell'],
      ci,
      ciEnv,
    );
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('QA FAIL');
    expect(failing.stderr).toContain('error: QA FAIL for 01-script.md');

    git(ci, ['checkout', '--', 'src/greet.mjs'], env);
    const passing = await local(
      ['qa', '--protocol', protocol, '--step', '01-script.md', '--engine', 'shell', '--json'],
      ci,
      ciEnv,
    );
    expect(passing.code).toBe(0);
    const result = JSON.parse(passing.stdout) as { outcome: string; report_path: string };
    expect(result.outcome).toBe('PASS');
    expect(readFileSync(result.report_path, 'utf8')).toContain('PASS');

    const missing = await local(['qa', '--protocol', protocol, '--step', '07-none.md'], ci, ciEnv);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('step: 07-none.md does not exist');
  });
  it('Ctrl-C during run pauses the run and exits 1; running it again resumes to completed', async () => {
    // A one-step template whose step waits for a marker file, so the interrupt lands mid-step.
    const template = join(work, 'wait-template');
    const marker = join(work, 'marker');
    mkdirSync(template);
    writeFileSync(join(template, 'plan.md'), '# Plan\n\nWait, then write a file.\n');
    writeFileSync(join(template, 'context.md'), '# Context\n');
    writeFileSync(
      join(template, '01-wait.md'),
      `# 01 - Wait\n\n\`\`\`sh\nwhile [ ! -f '${marker}' ]; do sleep 0.1; done\necho waited > waited.txt\n\`\`\`\n\n\`\`\`sh check\ntest -f waited.txt\n\`\`\`\n`,
    );
    const plan = await local(['plan', 'Wait for a marker', '--template', template, '--engine', 'shell']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Planned 0002-wait-for-a-marker (protocol 3)');

    const child = spawn(process.execPath, [CLI_MAIN, 'run', '3', '--all'], { cwd: repo, env, stdio: 'pipe' });
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const started = new Promise<void>((resolve) =>
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('step_started')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    await started;
    child.kill('SIGINT');
    // The running step may finish while tgz drains its worker.
    writeFileSync(marker, '');
    expect(await exited).toBe(1);
    expect(err).toContain(
      'interrupted: protocol 3 (0002-wait-for-a-marker) is paused; run `tgz run 3 --all` to resume',
    );

    const resumed = await local(['run', '3', '--all']);
    expect(resumed.stderr).toContain('Resumed protocol 3');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('Protocol 3 (0002-wait-for-a-marker) is completed');
  });
});

describe('the same plan/run flow with --api against a running built api', () => {
  let api: ApiProcess;
  let repo: string;

  beforeAll(async () => {
    api = await startApi();
    const origin = createOrigin(api.work, api.env);
    repo = join(api.work, 'repo');
    git(api.work, ['clone', '-q', origin, repo], api.env);
  });

  afterAll(async () => {
    await api?.stop();
  });

  it('init, plan and run --all drive the server', async () => {
    const remote = (args: string[]) =>
      tgz([...args, '--api', api.base], {
        cwd: repo,
        env: { ...api.env, HOME: join(api.work, 'home'), XDG_DATA_HOME: join(api.work, 'xdg') },
        timeoutMs: 300_000,
      });
    expect((await remote(['init'])).code).toBe(0);
    const plan = await remote(['plan', 'Add a greeting script', '--template', DEMO_TEMPLATE, '--engine', 'shell']);
    expect(plan.code).toBe(0);
    const run = await remote(['run', '--all']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('is completed');
    // The server did the work: no local data folder was made.
    expect(existsSync(join(api.work, 'xdg'))).toBe(false);
  });
});
