import { existsSync, realpathSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  ApiError,
  type CodexRunOut,
  type EventOut,
  type OnboardingSummary,
  type ProjectOut,
  type ProtocolRunOut,
  type StepRunOut,
} from '@tasksgodzilla/client';
import { Option, type Command } from 'commander';
import { CommandFailedError, UsageError } from '../cli.errors.js';
import type { CommandContext } from '../cli.types.js';
import type { ContextFactory } from '../context.js';
import { formatEventLine, formatUsd, renderSteps } from '../format.js';
import { hostPath, nonBlank, oneOf, parseSeconds } from '../parse.js';
import { collectAll, registerCommands, registerGroup } from './command-helpers.js';
import { baseBranchOption, projectOption, textArgument } from './command-options.js';
import { waitForProtocol } from './protocols.command.js';

// The local-first workflow of the original's scripts (project_setup.py, protocol_pipeline.py,
// quality_orchestrator.py) over the ordinary api client: in local mode the api is this process's own.

/** Run statuses after which nothing moves without a person. */
const STOPPED: readonly string[] = ['completed', 'cancelled', 'failed', 'blocked'];
/** Step statuses of a step that is being worked on. */
const BUSY: readonly string[] = ['running', 'needs_qa'];
/** How often `init`/`run` read the state they wait for. */
const POLL_MS = 300;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal?.aborted) return done();
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      done();
    }
    signal?.addEventListener('abort', finish, { once: true });
  });
}

const real = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
};

/** The repository the command works on: the working directory, which must be a git checkout's root. */
function repoRoot(ctx: CommandContext): string {
  const cwd = real(ctx.cwd());
  if (!existsSync(join(cwd, '.git')))
    throw new UsageError(`${cwd} is not the root of a git repository (run tgz in the repository's top folder)`);
  return cwd;
}

/** The project registered for `repo` (its local path or URL), or null. */
async function findProject(ctx: CommandContext, repo: string): Promise<ProjectOut | null> {
  const projects = await collectAll(ctx, (p) => ctx.client.listProjects(p));
  return (
    projects.find((p) => p.local_path !== null && real(p.local_path) === repo) ??
    projects.find((p) => real(p.git_url) === repo) ??
    null
  );
}

async function projectForCwd(ctx: CommandContext): Promise<ProjectOut> {
  const repo = repoRoot(ctx);
  const project = await findProject(ctx, repo);
  if (!project) throw new CommandFailedError(`no project for ${repo}: run \`tgz init\` there first`);
  return project;
}

/** Polls the project's onboarding until its setup run stops. */
async function waitForOnboarding(ctx: CommandContext, projectId: number, timeoutS: number): Promise<OnboardingSummary> {
  const deadline = ctx.now() + timeoutS * 1000;
  for (;;) {
    const summary = await ctx.client.getOnboarding(projectId);
    if (STOPPED.includes(summary.status)) return summary;
    if (timeoutS > 0 && ctx.now() > deadline)
      throw new CommandFailedError(`onboarding of project ${projectId} did not finish within ${timeoutS} s`);
    await sleep(POLL_MS);
  }
}

/** The newest event of a kind in an onboarding summary. */
const newest = (summary: OnboardingSummary, type: string): EventOut | undefined =>
  summary.events.find((e) => e.event_type === type);

const names = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

interface InitFlags {
  name?: string;
  baseBranch?: string;
  cloneUrl?: string;
  initIfNeeded?: boolean;
  discover?: boolean;
  engine?: string;
  timeout: number;
}

/** The base branch a new repository starts on (`--init-if-needed` without `--base-branch`). */
const DEFAULT_BASE_BRANCH = 'main';

/**
 * The working directory as a repository root for `tgz init`: a folder that is not one is made one
 * (`git init -b <base>`) with `--init-if-needed`, else it is an error (exit 1) that changes nothing.
 */
async function initRoot(ctx: CommandContext, opts: InitFlags): Promise<string> {
  const cwd = real(ctx.cwd());
  if (existsSync(join(cwd, '.git'))) return cwd;
  const base = opts.baseBranch ?? DEFAULT_BASE_BRANCH;
  if (!opts.initIfNeeded)
    throw new CommandFailedError(
      `${cwd} is not the root of a git repository: run tgz init in the repository's top folder, or pass --init-if-needed to create one here (git init -b ${base})`,
    );
  await ctx.initRepository({ path: cwd, baseBranch: base });
  ctx.note(`Initialised an empty git repository in ${cwd} on branch ${base}.`, !ctx.json);
  return cwd;
}

/** `tgz init`: registers the repository (or a clone URL) as a project; onboarding adds the starter assets. */
export async function initProject(ctx: CommandContext, opts: InitFlags): Promise<void> {
  let project: ProjectOut | null;
  let created = false;
  if (opts.cloneUrl) {
    const projects = await collectAll(ctx, (p) => ctx.client.listProjects(p));
    project = projects.find((p) => p.git_url === opts.cloneUrl) ?? null;
    if (!project) {
      project = await ctx.client.createProject({
        name: opts.name ?? basename(opts.cloneUrl).replace(/\.git$/, ''),
        git_url: opts.cloneUrl,
        ...(opts.baseBranch ? { base_branch: opts.baseBranch } : {}),
      });
      created = true;
    }
  } else {
    const repo = await initRoot(ctx, opts);
    project = await findProject(ctx, repo);
    if (!project) {
      project = await ctx.client.createProject({
        name: opts.name ?? basename(repo),
        git_url: repo,
        local_path: repo,
        ...(opts.baseBranch ? { base_branch: opts.baseBranch } : {}),
      });
      created = true;
    }
  }
  // Creating a project enqueues its onboarding; an existing one whose onboarding did not complete
  // (blocked, failed, never run) runs it again, which only adds what is missing.
  let rerun = false;
  if (!created && (await ctx.client.getOnboarding(project.id)).status !== 'completed') {
    await ctx.client.startOnboarding(project.id);
    rerun = true;
  }
  const summary = await waitForOnboarding(ctx, project.id, opts.timeout);
  const assets = newest(summary, 'setup_assets')?.metadata ?? {};
  // A completed onboarding that did not run now copied nothing now.
  const copied = created || rerun ? names(assets['copied']) : [];
  const skipped =
    created || rerun ? names(assets['skipped']) : [...names(assets['copied']), ...names(assets['skipped'])];
  const discovery = newest(summary, 'setup_discovery_skipped') ?? newest(summary, 'setup_discovery_completed');
  if (ctx.json) {
    ctx.printJson({ project, created, onboarding: summary.status, copied, skipped, path: summary.workspace_path });
  } else {
    ctx.print(
      created
        ? `Registered project ${project.id} (${project.name}) for ${summary.workspace_path ?? project.git_url}.`
        : `Project ${project.id} (${project.name}) is already registered for ${summary.workspace_path ?? project.git_url}.`,
    );
    if (copied.length > 0) ctx.print(`Starter assets added (not committed): ${copied.join(', ')}`);
    else if (created || rerun) ctx.print(`Nothing changed: all ${skipped.length} starter assets are already present.`);
    else ctx.print('Nothing changed: onboarding already completed.');
    if (discovery) ctx.print(`Discovery: ${discovery.message}`);
    ctx.print(`Onboarding ${summary.status}. Next: tgz plan "<what to do>"`);
  }
  if (summary.status !== 'completed')
    throw new CommandFailedError(
      `onboarding of project ${project.id} ended ${summary.status}${summary.hint ? `: ${summary.hint}` : ''}`,
    );
  if (opts.discover)
    await discoverRepository(ctx, { project: project.id, engine: opts.engine, wait: true, timeout: opts.timeout });
}

interface DiscoverFlags {
  project?: number;
  engine?: string;
  wait: boolean;
  timeout: number;
}

/** The report a discovery job leaves as its result (onboarding's DiscoveryJobResult), read defensively. */
interface DiscoveryReport {
  status: string | null;
  engine_id: string | null;
  model: string | null;
  path: string | null;
  notes: string[];
}

function discoveryReportOf(run: CodexRunOut): DiscoveryReport {
  const result = run.result !== null && typeof run.result === 'object' && !Array.isArray(run.result) ? run.result : {};
  const text = (key: string): string | null => (typeof result[key] === 'string' ? (result[key] as string) : null);
  return {
    status: text('status'),
    engine_id: text('engine_id'),
    model: text('model'),
    path: text('path'),
    notes: names(result['notes']),
  };
}

/**
 * `tgz discover` (the original's codex_ci_bootstrap) and `tgz init --discover`: enqueues repository
 * discovery for the project (default: the current repository's), waits for its job, and prints the
 * notes it wrote. Exit 0 when the notes are there, 1 with the reason otherwise.
 */
export async function discoverRepository(ctx: CommandContext, opts: DiscoverFlags): Promise<void> {
  const projectId = opts.project ?? (await projectForCwd(ctx)).id;
  const action = await ctx.client.discoverProject(projectId, opts.engine ? { engine_id: opts.engine } : undefined);
  const job = action.job;
  if (!job) throw new CommandFailedError(`the api enqueued no discovery job for project ${projectId}`);
  ctx.note(`${action.message}: job ${job.job_id} (project ${projectId}).`, !ctx.json && opts.wait);
  if (!opts.wait) {
    if (ctx.json) ctx.printJson(action);
    else ctx.print(`${action.message}: job ${job.job_id}. Follow it with: tgz codex-runs show ${job.job_id}`);
    return;
  }
  const { signal, dispose } = ctx.interruptSignal();
  let run: CodexRunOut;
  try {
    run = await ctx.client.waitForJob(job.job_id, {
      intervalMs: POLL_MS,
      timeoutMs: opts.timeout * 1000,
      signal,
      now: ctx.now,
    });
  } catch (error) {
    if (signal.aborted) throw new CommandFailedError(`interrupted while waiting for discovery job ${job.job_id}`);
    throw error;
  } finally {
    dispose();
  }
  const report = discoveryReportOf(run);
  if (ctx.json) ctx.printJson({ project_id: projectId, job: run, discovery: report });
  if (run.status !== 'succeeded')
    throw new CommandFailedError(
      `discovery of project ${projectId} ${run.status} (job ${run.run_id}): ${run.error ?? 'no reason given'}`,
    );
  if (ctx.json) return;
  const where = report.path ?? `project ${projectId}`;
  if (report.status === 'exists')
    ctx.print(`Discovery notes already present in ${where} (delete them to run discovery again).`);
  else
    ctx.print(
      `Discovery completed with ${report.engine_id ?? 'the default engine'}${report.model ? ` (${report.model})` : ''} in ${where}.`,
    );
  ctx.print(report.notes.length > 0 ? `Notes: ${report.notes.join(', ')}` : 'Notes: none written.');
  if (run.log_path) ctx.print(`Log: ${run.log_path}`);
}

/** `0001-add-a-greeting` from the numbers already used and the description. */
export function nextProtocolName(existing: readonly string[], description: string): string {
  const used = existing.map((name) => /^(\d{4})-/.exec(name)?.[1]).filter((n): n is string => n !== undefined);
  const next = Math.max(0, ...used.map(Number)) + 1;
  const slug =
    description
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'task';
  return `${String(next).padStart(4, '0')}-${slug}`;
}

interface PlanFlags {
  name?: string;
  template?: string;
  engine?: string;
  baseBranch?: string;
  pr?: 'draft' | 'ready';
  wait: boolean;
  timeout: number;
}

/** `tgz plan "<description>"`: a numbered protocol on its own branch and worktree, planned. */
export async function planProtocol(ctx: CommandContext, description: string, opts: PlanFlags): Promise<void> {
  const project = await projectForCwd(ctx);
  const runs = await collectAll(ctx, (p) => ctx.client.listProtocols(project.id, p));
  const name =
    opts.name ??
    nextProtocolName(
      runs.map((r) => r.protocol_name),
      description,
    );
  const protocol = await ctx.client.createProtocol(project.id, {
    protocol_name: name,
    description,
    ...(opts.baseBranch ? { base_branch: opts.baseBranch } : {}),
    ...(opts.template ? { template: opts.template } : {}),
    ...(opts.engine ? { engine_id: opts.engine } : {}),
    ...(opts.pr ? { template_config: { auto_pr: opts.pr } } : {}),
  });
  await ctx.client.startProtocol(protocol.id);
  ctx.note(`Protocol ${protocol.protocol_name} (${protocol.id}) created; planning…`, !ctx.json);
  if (!opts.wait) {
    if (ctx.json) ctx.printJson(protocol);
    return;
  }
  const planned = await waitForProtocol({ ...ctx, print: (text) => ctx.note(text) }, protocol.id, {
    until: 'planned',
    timeout: opts.timeout,
    interval: POLL_MS / 1000,
  }).catch(async (error: unknown) => {
    // Planning may end straight in running (an auto-advancing plan); anything else is a failure.
    const now = await ctx.client.getProtocol(protocol.id);
    if (now.status === 'running') return now;
    throw error;
  });
  const steps = await collectAll(ctx, (p) => ctx.client.listSteps(protocol.id, p));
  const pr = opts.pr ? await waitForPr(ctx, protocol.id, opts.timeout) : null;
  if (ctx.json) {
    ctx.printJson({ protocol: planned, steps, pr });
    return;
  }
  ctx.print(
    `Planned ${planned.protocol_name} (protocol ${planned.id}) on branch ${planned.branch_name ?? '-'}, worktree ${planned.worktree_path ?? '-'}:`,
  );
  ctx.print(renderSteps(steps));
  if (pr) ctx.print(`PR: ${pr.message}`);
  ctx.print(`Next: tgz run ${planned.id} --all`);
}

/** Waits for the run's PR event (opened, failed or skipped); a failure is an error. */
async function waitForPr(ctx: CommandContext, protocolId: number, timeoutS: number): Promise<EventOut> {
  const deadline = ctx.now() + timeoutS * 1000;
  for (;;) {
    const events = (await ctx.client.listProtocolEvents(protocolId, { limit: 100 })).items;
    const event = events.find((e) => ['open_pr', 'open_pr_failed', 'open_pr_skipped'].includes(e.event_type));
    if (event?.event_type === 'open_pr') return event;
    if (event) throw new CommandFailedError(`the PR was not opened: ${event.message}`);
    if (timeoutS > 0 && ctx.now() > deadline)
      throw new CommandFailedError(`no PR within ${timeoutS} s for protocol ${protocolId}`);
    await sleep(POLL_MS);
  }
}

interface RunFlags {
  step?: string;
  all?: boolean;
  autoAdvance?: boolean;
  yes?: boolean;
}

/** The protocol `ref` (an id or a name) of the working directory's project, or its newest one. */
async function resolveRun(ctx: CommandContext, ref: string | undefined): Promise<ProtocolRunOut> {
  if (ref !== undefined && /^\d+$/.test(ref)) return ctx.client.getProtocol(Number(ref));
  const project = await projectForCwd(ctx);
  const runs = await collectAll(ctx, (p) => ctx.client.listProtocols(project.id, p));
  const run = ref === undefined ? runs[0] : runs.find((r) => r.protocol_name === ref);
  if (!run)
    throw new CommandFailedError(
      ref === undefined ? `project ${project.id} has no protocol: run \`tgz plan\` first` : `no protocol named ${ref}`,
    );
  return run;
}

/** Prints the run's new events live (from the event stream) until `signal` fires. */
async function streamProgress(ctx: CommandContext, run: ProtocolRunOut, signal: AbortSignal): Promise<void> {
  const newestEvent = (await ctx.client.listProtocolEvents(run.id, { limit: 1 })).items[0];
  try {
    for await (const event of ctx.client.streamEvents({
      protocol_run_id: run.id,
      last_event_id: newestEvent?.id ?? null,
      signal,
    })) {
      if (ctx.json) ctx.printJsonLine(event);
      else ctx.print(formatEventLine(event));
    }
  } catch (error) {
    if (!signal.aborted) ctx.note(`event stream ended: ${(error as Error).message}`, true);
  }
}

/**
 * Asks for the QA of each step that waits for it (`needs_qa`) and was not asked for yet in this
 * attempt (a run without auto-advance leaves QA to the user). True when one was asked for now.
 */
async function requestQa(ctx: CommandContext, steps: readonly StepRunOut[], asked: Set<string>): Promise<boolean> {
  let any = false;
  for (const step of steps.filter((s) => s.status === 'needs_qa')) {
    const key = `${step.id}:${step.retries}`;
    if (asked.has(key)) continue;
    asked.add(key);
    try {
      await ctx.client.runStepQa(step.id);
      any = true;
    } catch (error) {
      // Already queued by the orchestrator (auto QA) or by an earlier `tgz run`: nothing to add.
      if (!(error instanceof ApiError && error.status === 409)) throw error;
    }
  }
  return any;
}

/** Why a run or step stopped, with the failed and blocked steps. */
function stuck(run: ProtocolRunOut, steps: readonly StepRunOut[]): string {
  const bad = steps.filter((s) => s.status === 'failed' || s.status === 'blocked');
  return `protocol ${run.id} (${run.protocol_name}) is ${run.status}${bad
    .map((s) => `\n  step ${s.id} ${s.step_name}: ${s.status}${s.summary ? ` (${s.summary})` : ''}`)
    .join('')}`;
}

/**
 * `tgz run`: runs the next step (`--step FILE`: that one; `--all` / `--auto-advance`: every step to the
 * end), printing the run's events live, then the steps and the cost. Ctrl-C pauses the run; running
 * the command again resumes it. Exit 0 when what was asked is done, else 1 with the reason.
 */
export async function runProtocol(ctx: CommandContext, ref: string | undefined, opts: RunFlags): Promise<void> {
  let run = await resolveRun(ctx, ref);
  const all = opts.all === true || opts.autoAdvance === true;
  const { signal, dispose } = ctx.interruptSignal();
  const stream = new AbortController();
  const progress = streamProgress(ctx, run, stream.signal);
  let target: StepRunOut | undefined;
  const qaRequested = new Set<string>();
  try {
    for (;;) {
      if (signal.aborted) {
        run = await ctx.client.getProtocol(run.id);
        if (['running', 'planning', 'planned'].includes(run.status)) run = await ctx.client.pauseProtocol(run.id);
        throw new CommandFailedError(
          `interrupted: protocol ${run.id} (${run.protocol_name}) is ${run.status}; run \`tgz run ${run.id}${opts.step ? ` --step ${opts.step}` : all ? ' --all' : ''}\` to resume`,
        );
      }
      run = await ctx.client.getProtocol(run.id);
      const steps = await collectAll(ctx, (p) => ctx.client.listSteps(run.id, p));
      if (run.status === 'completed') break;
      if (STOPPED.includes(run.status)) throw new CommandFailedError(stuck(run, steps));
      if (run.status === 'pending') {
        await ctx.client.startProtocol(run.id);
      } else if (run.status === 'paused') {
        run = await ctx.client.resumeProtocol(run.id);
        ctx.note(`Resumed protocol ${run.id} (${run.protocol_name}).`, !ctx.json);
      } else if (await requestQa(ctx, steps, qaRequested)) {
        // A step waits for its QA: asked for now (once per attempt), then awaited like a running step.
      } else if (run.status !== 'planning' && !steps.some((s) => BUSY.includes(s.status))) {
        if (target) {
          const done = steps.find((s) => s.id === target?.id);
          if (done && done.status !== 'completed' && done.status !== 'pending')
            throw new CommandFailedError(stuck(run, steps));
          if (done?.status === 'completed' && !all) break;
        }
        if (opts.step) {
          const wanted = steps.find((s) => s.step_name === opts.step);
          if (!wanted) throw new UsageError(`--step: protocol ${run.id} has no step ${opts.step}`);
          if (wanted.status === 'completed') break;
          if (target?.id !== wanted.id || wanted.status !== 'pending') {
            target = wanted;
            await ctx.client.runStep(wanted.id);
          }
        } else {
          const next = steps.find((s) => s.status !== 'completed' && s.status !== 'cancelled');
          if (!next) {
            await sleep(POLL_MS, signal); // the orchestrator completes the run after its last step
            continue;
          }
          if (target?.id !== next.id || next.status !== 'pending') {
            target = next;
            await ctx.client.runNextStep(run.id);
          }
        }
      }
      await sleep(POLL_MS, signal);
    }
  } finally {
    dispose();
    stream.abort();
    await progress;
  }
  const steps = await collectAll(ctx, (p) => ctx.client.listSteps(run.id, p));
  const usage = await ctx.client.getProtocolUsage(run.id);
  if (ctx.json) {
    ctx.printJsonLine({ protocol: run, steps, usage });
    return;
  }
  ctx.print(renderSteps(steps));
  ctx.print(
    `Protocol ${run.id} (${run.protocol_name}) is ${run.status}; cost ${formatUsd(usage.cost_usd)}, ${usage.tokens} tokens.`,
  );
}

interface QaFlags {
  protocol: string;
  step: string;
  engine?: string;
}

/**
 * `tgz qa`: the CI gate. Always on this checkout and the in-process runtime (local mode), whatever api
 * is configured: a CI job has none. Exit 0 on PASS (or SKIPPED), 1 on FAIL or ERROR.
 */
export async function qaGate(ctx: CommandContext, opts: QaFlags): Promise<void> {
  const repo = real(ctx.cwd());
  const protocolDir = resolve(repo, opts.protocol);
  const local = await ctx.local();
  const result = await local.qaGate({
    repoPath: repo,
    protocolDir,
    stepFile: opts.step,
    ...(opts.engine ? { engineId: opts.engine } : {}),
  });
  if (ctx.json) ctx.printJson(result);
  else {
    for (const check of result.checks)
      ctx.print(
        `${check.passed ? 'ok  ' : 'FAIL'} ${check.command}${check.passed ? '' : ` (exit ${check.exit_code ?? '-'})`}`,
      );
    if (result.agent) ctx.print(`QA engine ${result.agent.engine_id}: ${result.agent.verdict ?? result.agent.outcome}`);
    ctx.print(`QA ${result.outcome}: ${result.reason ?? ''}`.trim());
    if (result.report_path) ctx.print(`Report: ${result.report_path}`);
  }
  if (result.outcome === 'FAIL' || result.outcome === 'ERROR')
    throw new CommandFailedError(`QA ${result.outcome} for ${result.step_file}`);
}

interface CiTriggerFlags {
  platform?: 'github' | 'gitlab';
  workflow?: string;
}

/**
 * `tgz ci trigger <branch>` (the original's ci_trigger.py): `gh workflow run <workflow> --ref <branch>`
 * or `glab ci run --branch <branch>` in the current repository. Exit 1 when the CLI is missing or fails.
 */
export async function triggerCi(ctx: CommandContext, branch: string, opts: CiTriggerFlags): Promise<void> {
  const repo = repoRoot(ctx);
  // A missing or failing gh/glab is a GitError (exit 1), an undetectable platform a ValidationError (exit 2).
  const result = await ctx.triggerCi({
    repoPath: repo,
    branch,
    ...(opts.platform ? { platform: opts.platform } : {}),
    ...(opts.workflow ? { workflow: opts.workflow } : {}),
  });
  if (ctx.json) ctx.printJson(result);
  else {
    ctx.print(`Triggered ${result.platform} CI for ${branch}: ${result.command.join(' ')}`);
    if (result.output) ctx.print(result.output);
  }
}

const engineOption = (what: string): Option =>
  new Option('--engine <id>', `${what}: codex, claude-code, opencode or shell`).argParser(nonBlank);

/** init, discover, plan, run, qa: top-level commands of the local-first workflow; ci trigger. */
export function registerLocalCommands(program: Command, ctxOf: ContextFactory): void {
  registerCommands(program, ctxOf, [
    {
      name: 'init',
      description:
        'register the current repository as a project and add the starter assets (never overwriting); idempotent',
      examples: [
        'tgz init',
        'tgz init --name my-app --base-branch main',
        'tgz init --clone-url https://github.com/acme/app.git',
        'tgz init --init-if-needed --base-branch trunk',
      ],
      options: [
        new Option('--name <name>', 'project name (default: the folder name)').argParser(nonBlank),
        baseBranchOption('base branch (default main)'),
        new Option(
          '--clone-url <url>',
          'register this repository instead; onboarding clones it into the data folder',
        ).argParser(nonBlank),
        new Option(
          '--init-if-needed',
          'make the current folder a git repository (git init -b <base branch>) when it is not one',
        ).conflicts('cloneUrl'),
        new Option('--discover', 'then run repository discovery (as tgz discover) and wait for it'),
        engineOption('engine of --discover (default: the configured one)'),
        new Option(
          '--timeout <seconds>',
          'give up waiting for onboarding (and discovery) after this long (0: no limit)',
        )
          .argParser(parseSeconds)
          .default(600),
      ],
      run: (ctx, opts: InitFlags) => {
        if (opts.engine && !opts.discover) throw new UsageError('--engine: only with --discover');
        return initProject(ctx, opts);
      },
    },
    {
      name: 'discover',
      description:
        "run repository discovery for a project (default: the current repository's): an agent writes notes under tasksgodzilla/; waits for its job",
      examples: ['tgz discover', 'tgz discover --engine codex', 'tgz discover --project 3 --no-wait --json'],
      options: [
        projectOption('project id (default: the project registered for the current repository)'),
        engineOption('discovery engine (default: the configured one)'),
        new Option('--no-wait', 'return once discovery is enqueued'),
        new Option('--timeout <seconds>', 'give up waiting after this long (0: no limit)')
          .argParser(parseSeconds)
          .default(0),
      ],
      run: (ctx, opts: DiscoverFlags) => discoverRepository(ctx, opts),
    },
    {
      name: 'plan',
      description:
        'plan a numbered protocol for the current repository on its own branch and worktree, then stop (tgz run runs it)',
      examples: [
        'tgz plan "Add a greeting script"',
        'tgz plan "Add a greeting script" --template ./template --engine shell',
        'tgz plan "Fix the login bug" --pr draft',
      ],
      args: [textArgument('<description>', 'what the task is about')],
      options: [
        new Option('--name <name>', 'protocol name NNNN-task (default: the next number and the description)').argParser(
          nonBlank,
        ),
        new Option(
          '--template <dir>',
          'plan from a protocol template folder (plan.md, context.md, NN-*.md) instead of a planning agent',
        ).argParser(hostPath),
        engineOption("engine of the run's agent phases"),
        baseBranchOption("base branch (default: the project's)"),
        new Option('--pr <mode>', 'open a PR/MR after planning: draft or ready').argParser(
          oneOf(['draft', 'ready'] as const),
        ),
        new Option('--no-wait', 'return once planning is enqueued'),
        new Option('--timeout <seconds>', 'give up waiting after this long (0: no limit)')
          .argParser(parseSeconds)
          .default(0),
      ],
      run: (ctx, description: string, opts: PlanFlags) => planProtocol(ctx, description, opts),
    },
    {
      name: 'run',
      description:
        "run the protocol's next step (--all: every step) with live progress; Ctrl-C pauses, running it again resumes",
      examples: ['tgz run --all', 'tgz run 2 --step 01-script.md', 'tgz run 0001-add-a-greeting --all --json'],
      args: [textArgument('[protocol]', "protocol id or name (default: the current repository's newest)")],
      options: [
        new Option('--step <file>', 'run this step file').argParser(nonBlank).conflicts(['all', 'autoAdvance']),
        new Option('--all', 'run every remaining step, in order'),
        new Option('--auto-advance', 'the same as --all'),
        new Option('--yes', 'accepted for the original command line: tgz run never asks'),
      ],
      run: (ctx, ref: string | undefined, opts: RunFlags) => runProtocol(ctx, ref, opts),
    },
    {
      name: 'qa',
      description:
        "CI gate: run a step's checks and the QA engine on this checkout, write the report; exit 0 on PASS, 1 on FAIL/ERROR",
      examples: [
        'tgz qa --protocol .protocols/0001-add-a-greeting --step 01-script.md',
        'tgz qa --protocol .protocols/0001-add-a-greeting --step 01-script.md --engine shell --json',
      ],
      options: [
        new Option('--protocol <dir>', 'the protocol folder').makeOptionMandatory().argParser(nonBlank),
        new Option('--step <file>', 'the step file (name or path)').makeOptionMandatory().argParser(nonBlank),
        engineOption('QA engine (default: the configured one)'),
      ],
      run: (ctx, opts: QaFlags) => qaGate(ctx, opts),
    },
  ]);
  registerGroup(program, ctxOf, { name: 'ci', description: 'CI of the current repository' }, [
    {
      name: 'trigger',
      description:
        'trigger CI for a branch: gh workflow run <workflow> --ref <branch> (GitHub) or glab ci run --branch <branch> (GitLab)',
      examples: [
        'tgz ci trigger main',
        'tgz ci trigger feature/x --platform github --workflow tasksgodzilla-qa.yml',
        'tgz ci trigger main --platform gitlab',
      ],
      args: [textArgument('<branch>', 'the branch to run CI on')],
      // gh/glab only: never starts the local mode.
      needsApi: false,
      options: [
        new Option('--platform <name>', "github or gitlab (default: from origin's URL)").argParser(
          oneOf(['github', 'gitlab'] as const),
        ),
        new Option(
          '--workflow <name>',
          'GitHub workflow file or name (default ci.yml, the starter workflow)',
        ).argParser(nonBlank),
      ],
      run: (ctx, branch: string, opts: CiTriggerFlags) => triggerCi(ctx, branch, opts),
    },
  ]);
}
