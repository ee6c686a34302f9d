#!/usr/bin/env node
// `npm run demo`: the whole TasksGodzilla lifecycle on the embedded default, offline, driven through
// the `tgz` binary as a user would. Builds the api and cli, creates a sample repository with a local
// bare origin, starts the api (inline worker, fresh SQLite, shell engine, free port), registers the
// project, waits for onboarding, runs a protocol from tools/demo/template with auto-advance until it
// completes, prints a summary, stops the api and removes its temp folder (unless --keep).
import { execFile, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const API_MAIN = join(ROOT, 'apps', 'api', 'dist', 'main.js');
const CLI_MAIN = join(ROOT, 'apps', 'cli', 'dist', 'main.js');
const TEMPLATE = join(ROOT, 'tools', 'demo', 'template');
const PROJECT_NAME = 'greeting-demo';
const PROTOCOL_NAME = '0001-greeting';
const GIT_USER = 'TasksGodzilla Demo';
const GIT_EMAIL = 'demo@tasksgodzilla.invalid';

const HELP = `Usage: npm run demo [-- options]    (or: node tools/demo/demo.mjs [options])

Runs a protocol end to end on a sample repository, offline, and prints a summary.

Options:
  --keep            keep the api running and the temp folder (prints how to stop it)
  --skip-build      use the existing apps/api/dist and apps/cli/dist (no nx build)
  --timeout <s>     give up on onboarding or the protocol run after this long (default 600)
  --template <dir>  run another protocol template folder (default tools/demo/template)
  --verbose         show build output, every tgz command and the api log path
  -h, --help        this help
`;

function parseArgs(argv) {
  const options = { keep: false, skipBuild: false, verbose: false, timeout: 600, template: TEMPLATE };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--keep') options.keep = true;
    else if (arg === '--skip-build') options.skipBuild = true;
    else if (arg === '--verbose') options.verbose = true;
    else if (arg === '--timeout') {
      options.timeout = Number(argv[++i]);
      if (!Number.isFinite(options.timeout) || options.timeout <= 0) usage(`--timeout needs a positive number of seconds`);
    } else if (arg === '--template') {
      options.template = resolve(argv[++i] ?? '');
      if (!existsSync(join(options.template, 'plan.md'))) usage(`--template needs a folder with a plan.md`);
    } else if (arg === '-h' || arg === '--help') {
      process.stdout.write(HELP);
      process.exit(0);
    } else usage(`unknown option ${arg}`);
  }
  return options;
}

function usage(message) {
  process.stderr.write(`demo: ${message}\n\n${HELP}`);
  process.exit(2);
}

class DemoError extends Error {}

const started = Date.now();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const step = (text) => process.stdout.write(`==> ${text}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The environment of every child: no TASKSGODZILLA_* from the caller, a git identity of our own. */
function childEnv(work) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('TASKSGODZILLA_') && !key.startsWith('GIT_')) env[key] = value;
  }
  return {
    ...env,
    GIT_AUTHOR_NAME: GIT_USER,
    GIT_AUTHOR_EMAIL: GIT_EMAIL,
    GIT_COMMITTER_NAME: GIT_USER,
    GIT_COMMITTER_EMAIL: GIT_EMAIL,
    // The caller's git config (signing, hooks, templates) must not change what the demo does.
    GIT_CONFIG_GLOBAL: join(work, 'gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
  };
}

function git(cwd, args, env) {
  const result = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) throw new DemoError(`git ${args.join(' ')} failed in ${cwd}:\n${result.stderr || result.stdout}`);
  return result.stdout.trim();
}

function build(options) {
  if (options.skipBuild) {
    for (const file of [API_MAIN, CLI_MAIN]) if (!existsSync(file)) throw new DemoError(`${file} is missing: run without --skip-build`);
    return;
  }
  step(`Building the api, the console and the cli (nx run-many -t build; a few minutes on a fresh clone${options.verbose ? '' : ', --verbose shows it'})…`);
  const result = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', '@tasksgodzilla/api', '@tasksgodzilla/console', '@tasksgodzilla/cli', '--outputStyle=stream'], {
    cwd: ROOT,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    stdio: options.verbose ? 'inherit' : 'pipe',
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new DemoError(`the build failed (exit ${result.status})${output ? `:\n${output}` : ''}`);
  }
  for (const file of [API_MAIN, CLI_MAIN]) if (!existsSync(file)) throw new DemoError(`the build did not produce ${file}`);
}

/** A sample Node.js repository pushed to a local bare origin. */
function createSampleRepo(work, env) {
  writeFileSync(join(work, 'gitconfig'), `[user]\n\tname = ${GIT_USER}\n\temail = ${GIT_EMAIL}\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n`);
  const seed = join(work, 'seed');
  const origin = join(work, 'origin.git');
  mkdirSync(seed);
  git(work, ['init', '--bare', '-b', 'main', origin], env);
  git(seed, ['init', '-b', 'main'], env);
  writeFileSync(join(seed, 'README.md'), '# greeting-demo\n\nA sample repository for the TasksGodzilla demo.\n');
  writeFileSync(join(seed, 'package.json'), `${JSON.stringify({ name: 'greeting-demo', version: '0.1.0', private: true, type: 'module' }, null, 2)}\n`);
  writeFileSync(join(seed, '.gitignore'), 'node_modules/\n');
  git(seed, ['add', '-A'], env);
  git(seed, ['commit', '-m', 'Initial commit'], env);
  git(seed, ['remote', 'add', 'origin', origin], env);
  git(seed, ['push', '-u', 'origin', 'main'], env);
  return origin;
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no api log)';
  }
}

/** Starts the built api in its own process group, its output in a log file. */
function startApi(work, port, env) {
  const logPath = join(work, 'api.log');
  const fd = openSync(logPath, 'a');
  const child = spawn(process.execPath, [API_MAIN, '--host', '127.0.0.1', '--port', String(port)], {
    cwd: work,
    env: {
      ...env,
      TASKSGODZILLA_DATA_DIR: join(work, 'data'),
      TASKSGODZILLA_INLINE_RQ_WORKER: 'true',
      TASKSGODZILLA_DEFAULT_ENGINE: 'shell',
      TASKSGODZILLA_GIT_USER: GIT_USER,
      TASKSGODZILLA_GIT_EMAIL: GIT_EMAIL,
      TASKSGODZILLA_API_HOST: '127.0.0.1',
      TASKSGODZILLA_API_PORT: String(port),
      TASKSGODZILLA_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  const state = { exited: false, code: null, signal: null };
  const exited = new Promise((r) =>
    child.once('exit', (code, signal) => {
      Object.assign(state, { exited: true, code, signal });
      r();
    }),
  );
  return { child, logPath, state, exited };
}

async function waitForHealth(api, base, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (api.state.exited) throw new DemoError(`the api exited during start-up (code ${api.state.code ?? api.state.signal}). Last log lines:\n${tail(api.logPath)}`);
    try {
      const response = await fetch(`${base}/health`, { signal: AbortSignal.timeout(2000) });
      const body = await response.json().catch(() => ({}));
      if (response.ok && body.status === 'ok') return body;
      last = `HTTP ${response.status} ${JSON.stringify(body)}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await sleep(250);
  }
  throw new DemoError(`the api did not become healthy within ${seconds(timeoutMs)} (${last}). Last log lines:\n${tail(api.logPath)}`);
}

/** Resolves true when the api exits within `ms`, false otherwise (no timer left behind). */
function exitedWithin(api, ms) {
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => resolveExit(false), ms);
    api.exited.then(() => {
      clearTimeout(timer);
      resolveExit(true);
    });
  });
}

/** SIGTERM to the api's process group (graceful stop), SIGKILL after 15 s. */
async function stopApi(api) {
  if (api.state.exited) return;
  try {
    process.kill(-api.child.pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await exitedWithin(api, 15_000)) return;
  try {
    process.kill(-api.child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  await exitedWithin(api, 5000);
}

/** Runs `tgz <args> --json --api-base <base>`; resolves { code, json, stdout, stderr }. */
function tgz(base, env, args, { verbose, allowFailure = false } = {}) {
  const argv = [CLI_MAIN, ...args, '--json', '--api-base', base];
  if (verbose) process.stdout.write(`    $ tgz ${args.join(' ')} --json\n`);
  return new Promise((resolveRun, reject) => {
    execFile(process.execPath, argv, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      if (code !== 0 && !allowFailure) return reject(new DemoError(`tgz ${args.join(' ')} failed (exit ${code}):\n${stderr.trim()}`));
      let json = null;
      try {
        json = stdout.trim() ? JSON.parse(stdout) : null;
      } catch {
        if (code === 0) return reject(new DemoError(`tgz ${args.join(' ')} printed something that is not JSON:\n${stdout.slice(0, 500)}`));
      }
      resolveRun({ code, json, stdout, stderr });
    });
  });
}

async function waitForOnboarding(run, projectId, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let summary;
  while (Date.now() < deadline) {
    summary = (await run(['projects', 'onboarding', String(projectId)])).json;
    if (summary.status === 'completed') return summary;
    if (['failed', 'blocked', 'cancelled'].includes(summary.status)) break;
    await sleep(500);
  }
  const stages = (summary?.stages ?? []).map((s) => `  ${s.name}: ${s.status}${s.message ? ` — ${s.message}` : ''}`).join('\n');
  throw new DemoError(`onboarding of project ${projectId} ended ${summary?.status ?? 'unknown'}${Date.now() >= deadline ? ' (timed out)' : ''}\n${stages}`);
}

const QA_VERDICTS = {
  qa_passed: 'PASS',
  qa_passed_inline: 'PASS',
  qa_failed: 'FAIL',
  qa_failed_inline: 'FAIL',
  qa_error: 'ERROR',
  qa_inline_error: 'ERROR',
  qa_skipped_policy: 'SKIPPED',
};

/** The last QA verdict of each step, from its events. */
function qaVerdicts(events) {
  const verdicts = new Map();
  for (const event of [...events].sort((a, b) => a.id - b.id)) {
    const verdict = QA_VERDICTS[event.event_type];
    if (verdict && event.step_run_id !== null) verdicts.set(event.step_run_id, verdict);
  }
  return verdicts;
}

/** `2/2 checks` from a step's latest run log (the shell engine's QA report lists `1. PASS: …`). */
async function checksOf(run, stepId) {
  const result = await run(['steps', 'log', String(stepId)], { allowFailure: true });
  const log = typeof result.json?.log === 'string' ? result.json.log : '';
  const all = log.match(/^\d+\. (PASS|FAIL): /gm) ?? [];
  if (all.length === 0) return '';
  return ` (${all.filter((l) => l.includes('PASS')).length}/${all.length} checks)`;
}

function table(headers, rows, indent = '    ') {
  const text = rows.map((row) => row.map((c) => (c === null || c === undefined || c === '' ? '-' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => r[i].length)));
  const line = (cells) => `${indent}${cells.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}

function formatTs(iso) {
  return typeof iso === 'string' ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-';
}

/** Commits of the protocol branch over its base, read from the bare origin (or a local clone). */
function branchCommits(repos, base, branch, env) {
  for (const repo of repos) {
    if (!repo || !existsSync(repo)) continue;
    const has = spawnSync('git', ['--git-dir', repo, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { env, encoding: 'utf8' });
    const hasGit = has.status === 0 ? repo : null;
    const dotGit = join(repo, '.git');
    const gitDir = hasGit ?? (existsSync(dotGit) && spawnSync('git', ['--git-dir', dotGit, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { env }).status === 0 ? dotGit : null);
    if (!gitDir) continue;
    const log = spawnSync('git', ['--git-dir', gitDir, 'log', '--oneline', '--no-decorate', `${base}..${branch}`], { env, encoding: 'utf8' });
    if (log.status === 0) return { where: gitDir, lines: log.stdout.trim().split('\n').filter(Boolean) };
  }
  return { where: null, lines: [] };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  build(options);

  const work = mkdtempSync(join(tmpdir(), 'tgz-demo-'));
  const env = childEnv(work);
  let api;
  let keepApi = false;
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    process.stderr.write('\ndemo: interrupted, stopping…\n');
    void (async () => {
      if (api) await stopApi(api);
      if (!options.keep) rmSync(work, { recursive: true, force: true });
      process.exit(130);
    })();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const problems = [];
  let qaPassed = false;
  try {
    step(`Sample repository with a local bare origin in ${work}`);
    const origin = createSampleRepo(work, env);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    step(`Starting the api on ${base} (inline worker, SQLite in ${join(work, 'data')}, shell engine)…`);
    api = startApi(work, port, env);
    await waitForHealth(api, base, 60_000);
    if (options.verbose) step(`api log: ${api.logPath}`);
    const run = (args, extra = {}) => tgz(base, env, args, { verbose: options.verbose, ...extra });

    step(`tgz projects create --name ${PROJECT_NAME} --git-url ${origin}`);
    const project = (await run(['projects', 'create', '--name', PROJECT_NAME, '--git-url', origin, '--base-branch', 'main'])).json;

    step(`Waiting for onboarding of project ${project.id}…`);
    const onboarding = await waitForOnboarding(run, project.id, options.timeout * 1000);

    step(`tgz protocols create --project ${project.id} --name ${PROTOCOL_NAME} --template ${relative(ROOT, options.template) || '.'} --auto-advance`);
    const protocol = (
      await run(['protocols', 'create', '--project', String(project.id), '--name', PROTOCOL_NAME, '--template', options.template, '--auto-advance', '--description', 'Greeting tool with tests (demo)'])
    ).json;
    step(`tgz protocols start ${protocol.id}`);
    await run(['protocols', 'start', String(protocol.id)]);
    const runStarted = Date.now();
    step(`tgz protocols wait ${protocol.id} --until completed`);
    const waited = await run(['protocols', 'wait', String(protocol.id), '--until', 'completed', '--timeout', String(options.timeout)], { allowFailure: true });
    const runElapsed = Date.now() - runStarted;
    if (waited.code !== 0) problems.push(waited.stderr.trim().replace(/^error: /, '') || `protocols wait exited ${waited.code}`);

    const finalRun = (await run(['protocols', 'show', String(protocol.id)])).json;
    const steps = (await run(['steps', 'list', '--protocol', String(protocol.id)])).json;
    const events = (await run(['events', 'list', '--protocol', String(protocol.id), '--limit', '100000'])).json;
    const projectEvents = (await run(['events', 'list', '--project', String(project.id), '--limit', '100000'])).json;
    const verdicts = qaVerdicts(events);
    for (const s of steps) if (verdicts.has(s.id)) verdicts.set(s.id, `${verdicts.get(s.id)}${await checksOf(run, s.id)}`);
    const branch = finalRun.branch_name || finalRun.protocol_name;
    qaPassed = steps.length > 0 && steps.every((s) => (verdicts.get(s.id) ?? '').startsWith('PASS'));
    const commits = branchCommits([origin, onboarding.workspace_path, finalRun.worktree_path], finalRun.base_branch, branch, env);

    if (finalRun.status !== 'completed' && !problems.length) problems.push(`protocol ${finalRun.id} is ${finalRun.status}, not completed`);
    for (const s of steps) if (s.status !== 'completed') problems.push(`step ${s.step_name} is ${s.status}${s.summary ? ` (${s.summary})` : ''}`);
    if (steps.length === 0) problems.push('the protocol has no steps');

    const out = [];
    out.push('', '──────────────── TasksGodzilla demo summary ────────────────');
    out.push(`Project   ${project.name} (#${project.id}), origin ${origin}, onboarding ${onboarding.status}`);
    out.push(`Protocol  ${finalRun.protocol_name} (#${finalRun.id}): ${finalRun.status} in ${seconds(runElapsed)} (auto-advance ${finalRun.auto_advance ? 'on' : 'off'}, engine shell)`);
    out.push('', 'Steps:');
    out.push(table(['#', 'Step', 'Status', 'QA verdict', 'Summary'], steps.map((s) => [s.step_index, s.step_name, s.status, verdicts.get(s.id) ?? '-', s.summary])));
    out.push('', `Commits on ${branch} (${finalRun.base_branch}..${branch}${commits.where === origin ? ' in the bare origin' : commits.where ? ` in ${commits.where}` : ''}):`);
    if (commits.lines.length === 0) out.push(`    (none found: the branch is not in ${origin})`);
    for (const line of commits.lines) out.push(`    ${line}`);
    out.push('', `Events: ${events.length} for the protocol, ${projectEvents.length} for the project (onboarding included). Last 5:`);
    for (const e of events.slice(-5)) out.push(`    ${formatTs(e.created_at)}  ${e.event_type.padEnd(22)} ${e.message}`);
    out.push('', `Elapsed   ${seconds(Date.now() - started)} in total`);
    out.push(`Console   ${base}/console`);
    if (commits.lines.length === 0) problems.push(`no commits on ${branch}`);
    process.stdout.write(`${out.join('\n')}\n`);

    if (options.keep) {
      keepApi = true;
      process.stdout.write(
        `\nThe api is still running (pid ${api.child.pid}) at ${base}; open ${base}/console or try:\n` +
          `    node apps/cli/dist/main.js --api-base ${base} steps list --protocol ${protocol.id}\n` +
          `Stop it with: kill ${api.child.pid}    Files: ${work}\n`,
      );
    }
  } catch (error) {
    if (interrupted) return;
    problems.push(error instanceof DemoError ? error.message : (error?.stack ?? String(error)));
    if (api && !(error instanceof DemoError && /Last log lines/.test(error.message))) problems.push(`Last api log lines:\n${tail(api.logPath)}`);
  } finally {
    if (!interrupted) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (api && !keepApi) await stopApi(api);
      if (api && keepApi) api.child.unref();
      if (!options.keep) rmSync(work, { recursive: true, force: true });
      else if (!keepApi) process.stdout.write(`Files kept in ${work}\n`);
    }
  }

  if (problems.length > 0) {
    process.stderr.write(`\nDemo FAILED:\n${problems.map((p) => `  - ${p.replace(/\n/g, '\n    ')}`).join('\n')}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`\nDemo succeeded: every step completed${qaPassed ? ' and passed QA' : ''}${options.keep ? '' : '; the api was stopped and the temp folder removed'}.\n`);
}

await main().catch((error) => {
  process.stderr.write(`\nDemo FAILED:\n  - ${error instanceof DemoError ? error.message.replace(/\n/g, '\n    ') : (error?.stack ?? String(error))}\n`);
  process.exitCode = 1;
});
