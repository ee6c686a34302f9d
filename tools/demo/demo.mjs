#!/usr/bin/env node
// `npm run demo`: the whole TasksGodzilla lifecycle on the embedded default, offline, driven through
// the `tgz` binary as a user would. Builds the api and cli, creates a sample repository with a local
// bare origin, starts the api (inline worker, fresh SQLite, shell engine, free port), registers the
// project, waits for onboarding, runs a protocol from tools/demo/template with auto-advance until it
// completes, prints a summary, stops the api and removes its temp folder (unless --keep).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import {
  API_MAIN,
  CLI_MAIN,
  ROOT,
  apiLogTail,
  cleanEnv,
  createOrigin,
  freePort,
  spawnApi,
  tgz as runTgz,
  waitForHealth,
} from '@tasksgodzilla/testing/api-process';

const TEMPLATE = join(ROOT, 'tools', 'demo', 'template');
const PROJECT_NAME = 'greeting-demo';
const PROTOCOL_NAME = '0001-greeting';
const IDENTITY = { name: 'TasksGodzilla Demo', email: 'demo@tasksgodzilla.invalid' };

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
      if (!Number.isFinite(options.timeout) || options.timeout <= 0)
        usage(`--timeout needs a positive number of seconds`);
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

function build(options) {
  if (options.skipBuild) {
    for (const file of [API_MAIN, CLI_MAIN])
      if (!existsSync(file)) throw new DemoError(`${file} is missing: run without --skip-build`);
    return;
  }
  step(
    `Building the api, the console and the cli (nx run-many -t build; a few minutes on a fresh clone${options.verbose ? '' : ', --verbose shows it'})…`,
  );
  const result = spawnSync(
    'npx',
    [
      'nx',
      'run-many',
      '-t',
      'build',
      '-p',
      '@tasksgodzilla/api',
      '@tasksgodzilla/console',
      '@tasksgodzilla/cli',
      '--outputStyle=stream',
    ],
    {
      cwd: ROOT,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
      stdio: options.verbose ? 'inherit' : 'pipe',
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new DemoError(`the build failed (exit ${result.status})${output ? `:\n${output}` : ''}`);
  }
  for (const file of [API_MAIN, CLI_MAIN])
    if (!existsSync(file)) throw new DemoError(`the build did not produce ${file}`);
}

/** Runs `tgz <args> --json --api-base <base>`; resolves { code, json, stdout, stderr }. */
async function tgz(base, env, args, { verbose, timeoutMs, allowFailure = false } = {}) {
  if (verbose) process.stdout.write(`    $ tgz ${args.join(' ')} --json\n`);
  const { code, stdout, stderr } = await runTgz([...args, '--json', '--api-base', base], {
    env,
    timeoutMs,
    cwd: process.cwd(),
  });
  if (code !== 0 && !allowFailure)
    throw new DemoError(`tgz ${args.join(' ')} failed (exit ${code}):\n${stderr.trim()}`);
  try {
    return { code, json: stdout.trim() ? JSON.parse(stdout) : null, stdout, stderr };
  } catch {
    if (code === 0)
      throw new DemoError(`tgz ${args.join(' ')} printed something that is not JSON:\n${stdout.slice(0, 500)}`);
    return { code, json: null, stdout, stderr };
  }
}

/** The files of the sample Node.js repository pushed to a local bare origin. */
const SAMPLE_FILES = {
  'README.md': '# greeting-demo\n\nA sample repository for the TasksGodzilla demo.\n',
  'package.json': `${JSON.stringify({ name: 'greeting-demo', version: '0.1.0', private: true, type: 'module' }, null, 2)}\n`,
  '.gitignore': 'node_modules/\n',
};

/** Errors of the shared helpers (git, api start-up) are the demo's own: their message says it all. */
async function demoStep(action) {
  try {
    return await action();
  } catch (error) {
    throw new DemoError(error.message);
  }
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
  const stages = (summary?.stages ?? [])
    .map((s) => `  ${s.name}: ${s.status}${s.message ? ` — ${s.message}` : ''}`)
    .join('\n');
  throw new DemoError(
    `onboarding of project ${projectId} ended ${summary?.status ?? 'unknown'}${Date.now() >= deadline ? ' (timed out)' : ''}\n${stages}`,
  );
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

/** `2/2 checks` from a QA event's metadata (each check the QA ran, with whether it passed). */
function checksSuffix(metadata) {
  const checks = Array.isArray(metadata?.checks) ? metadata.checks : [];
  if (checks.length === 0) return '';
  return ` (${checks.filter((c) => c?.passed === true).length}/${checks.length} checks)`;
}

/** The last QA verdict of each step, with its checks, from its events. */
function qaVerdicts(events) {
  const verdicts = new Map();
  for (const event of [...events].sort((a, b) => a.id - b.id)) {
    const verdict = QA_VERDICTS[event.event_type];
    if (verdict && event.step_run_id !== null)
      verdicts.set(event.step_run_id, `${verdict}${checksSuffix(event.metadata)}`);
  }
  return verdicts;
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
    const has = spawnSync('git', ['--git-dir', repo, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], {
      env,
      encoding: 'utf8',
    });
    const hasGit = has.status === 0 ? repo : null;
    const dotGit = join(repo, '.git');
    const gitDir =
      hasGit ??
      (existsSync(dotGit) &&
      spawnSync('git', ['--git-dir', dotGit, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { env })
        .status === 0
        ? dotGit
        : null);
    if (!gitDir) continue;
    const log = spawnSync('git', ['--git-dir', gitDir, 'log', '--oneline', '--no-decorate', `${base}..${branch}`], {
      env,
      encoding: 'utf8',
    });
    if (log.status === 0) return { where: gitDir, lines: log.stdout.trim().split('\n').filter(Boolean) };
  }
  return { where: null, lines: [] };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  build(options);

  const work = mkdtempSync(join(tmpdir(), 'tgz-demo-'));
  const env = cleanEnv(work, IDENTITY);
  let api;
  let keepApi = false;
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    process.stderr.write('\ndemo: interrupted, stopping…\n');
    void (async () => {
      if (api) await api.stop();
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
    const origin = await demoStep(() => createOrigin(work, env, SAMPLE_FILES));

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    step(`Starting the api on ${base} (inline worker, SQLite in ${join(work, 'data')}, shell engine)…`);
    api = spawnApi({
      work,
      env,
      port,
      identity: IDENTITY,
      extraEnv: { TASKSGODZILLA_API_HOST: '127.0.0.1', TASKSGODZILLA_API_PORT: String(port) },
    });
    await demoStep(() => waitForHealth(api, 60_000));
    if (options.verbose) step(`api log: ${api.logPath}`);
    const run = (args, extra = {}) =>
      tgz(base, env, args, { verbose: options.verbose, timeoutMs: options.timeout * 1000 + 120_000, ...extra });

    step(`tgz projects create --name ${PROJECT_NAME} --git-url ${origin}`);
    const project = (
      await run(['projects', 'create', '--name', PROJECT_NAME, '--git-url', origin, '--base-branch', 'main'])
    ).json;

    step(`Waiting for onboarding of project ${project.id}…`);
    const onboarding = await waitForOnboarding(run, project.id, options.timeout * 1000);

    step(
      `tgz protocols create --project ${project.id} --name ${PROTOCOL_NAME} --template ${relative(ROOT, options.template) || '.'} --auto-advance`,
    );
    const protocol = (
      await run([
        'protocols',
        'create',
        '--project',
        String(project.id),
        '--name',
        PROTOCOL_NAME,
        '--template',
        options.template,
        '--auto-advance',
        '--description',
        'Greeting tool with tests (demo)',
      ])
    ).json;
    step(`tgz protocols start ${protocol.id}`);
    await run(['protocols', 'start', String(protocol.id)]);
    const runStarted = Date.now();
    step(`tgz protocols wait ${protocol.id} --until completed`);
    const waited = await run(
      ['protocols', 'wait', String(protocol.id), '--until', 'completed', '--timeout', String(options.timeout)],
      { allowFailure: true },
    );
    const runElapsed = Date.now() - runStarted;
    if (waited.code !== 0)
      problems.push(waited.stderr.trim().replace(/^error: /, '') || `protocols wait exited ${waited.code}`);

    const finalRun = (await run(['protocols', 'show', String(protocol.id)])).json;
    const steps = (await run(['steps', 'list', '--protocol', String(protocol.id)])).json;
    const events = (await run(['events', 'list', '--protocol', String(protocol.id), '--limit', '100000'])).json;
    const projectEvents = (await run(['events', 'list', '--project', String(project.id), '--limit', '100000'])).json;
    const verdicts = qaVerdicts(events);
    const branch = finalRun.branch_name || finalRun.protocol_name;
    qaPassed = steps.length > 0 && steps.every((s) => (verdicts.get(s.id) ?? '').startsWith('PASS'));
    const commits = branchCommits(
      [origin, onboarding.workspace_path, finalRun.worktree_path],
      finalRun.base_branch,
      branch,
      env,
    );

    if (finalRun.status !== 'completed' && !problems.length)
      problems.push(`protocol ${finalRun.id} is ${finalRun.status}, not completed`);
    for (const s of steps)
      if (s.status !== 'completed')
        problems.push(`step ${s.step_name} is ${s.status}${s.summary ? ` (${s.summary})` : ''}`);
    if (steps.length === 0) problems.push('the protocol has no steps');

    const out = [];
    out.push('', '──────────────── TasksGodzilla demo summary ────────────────');
    out.push(`Project   ${project.name} (#${project.id}), origin ${origin}, onboarding ${onboarding.status}`);
    out.push(
      `Protocol  ${finalRun.protocol_name} (#${finalRun.id}): ${finalRun.status} in ${seconds(runElapsed)} (auto-advance ${finalRun.auto_advance ? 'on' : 'off'}, engine shell)`,
    );
    out.push('', 'Steps:');
    out.push(
      table(
        ['#', 'Step', 'Status', 'QA verdict', 'Summary'],
        steps.map((s) => [s.step_index, s.step_name, s.status, verdicts.get(s.id) ?? '-', s.summary]),
      ),
    );
    out.push(
      '',
      `Commits on ${branch} (${finalRun.base_branch}..${branch}${commits.where === origin ? ' in the bare origin' : commits.where ? ` in ${commits.where}` : ''}):`,
    );
    if (commits.lines.length === 0) out.push(`    (none found: the branch is not in ${origin})`);
    for (const line of commits.lines) out.push(`    ${line}`);
    out.push(
      '',
      `Events: ${events.length} for the protocol, ${projectEvents.length} for the project (onboarding included). Last 5:`,
    );
    for (const e of events.slice(-5))
      out.push(`    ${formatTs(e.created_at)}  ${e.event_type.padEnd(22)} ${e.message}`);
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
    if (api && !(error instanceof DemoError && /Last log lines/.test(error.message)))
      problems.push(`Last api log lines:\n${apiLogTail(api, 30)}`);
  } finally {
    if (!interrupted) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (api && !keepApi) await api.stop();
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
  process.stdout.write(
    `\nDemo succeeded: every step completed${qaPassed ? ' and passed QA' : ''}${options.keep ? '' : '; the api was stopped and the temp folder removed'}.\n`,
  );
}

await main().catch((error) => {
  process.stderr.write(
    `\nDemo FAILED:\n  - ${error instanceof DemoError ? error.message.replace(/\n/g, '\n    ') : (error?.stack ?? String(error))}\n`,
  );
  process.exitCode = 1;
});
