import { ConflictError, ValidationError, type JsonObject, type Project, type ProtocolRun } from '@tasksgodzilla/core';
import { GIT_CREDENTIALS_SECRET, assertGitUrl, splitGitUrlCredentials } from '@tasksgodzilla/platform-git';
import type { QueueJob } from '@tasksgodzilla/platform-queue';
import type { Repositories, StorageTx } from '@tasksgodzilla/platform-storage';
import { enqueueWithEvent, type OrchestratorContext, type Trace } from '../orchestrator.context.js';
import { createDiscoveryInputSchema } from '../orchestrator.schemas.js';
import type {
  CallOptions,
  CreateProjectInput,
  DiscoveryStarted,
  ProjectCreated,
  RunActionResult,
  StartDiscoveryInput,
} from '../orchestrator.types.js';
import { assertBaseBranch, requireText } from './input-validation.js';
import { getProject } from './run-state.js';

/** Name of a project's onboarding run. */
export function setupRunName(projectId: number): string {
  return `setup-${projectId}`;
}

/** Creates a project's `pending` onboarding run (`setup-<id>`). */
export function createSetupRun(repos: Pick<Repositories, 'protocolRuns'>, project: Project): Promise<ProtocolRun> {
  return repos.protocolRuns.create({
    project_id: project.id,
    protocol_name: setupRunName(project.id),
    status: 'pending',
    base_branch: project.base_branch,
    description: 'Project onboarding',
  });
}

async function enqueueSetup(
  ctx: OrchestratorContext,
  tx: StorageTx,
  project: Project,
  run: ProtocolRun,
  trace: Trace,
): Promise<QueueJob> {
  return enqueueWithEvent(
    ctx,
    tx,
    { type: 'project_setup_job', payload: { project_id: project.id, protocol_run_id: run.id } },
    { type: 'setup_enqueued', message: 'Project setup enqueued.', run },
    trace,
  );
}

/** Inserts the project and its `setup-<id>` run, records `setup_enqueued` and enqueues `project_setup_job`, in one transaction. */
export async function createProject(
  ctx: OrchestratorContext,
  input: CreateProjectInput,
  options: CallOptions = {},
): Promise<ProjectCreated> {
  const name = requireText(input?.name, 'name');
  // Only https, ssh, git, scp-like and local locations (issue 10: `fd::17` hung the clone).
  // Credentials in an https URL are kept as the `git_credentials` secret, never in the stored URL.
  const { url: gitUrl, credentials } = splitGitUrlCredentials(assertGitUrl(requireText(input?.git_url, 'git_url')));
  const secrets: JsonObject | null | undefined = credentials
    ? { ...(input.secrets ?? {}), [GIT_CREDENTIALS_SECRET]: { ...credentials } }
    : input.secrets;
  const baseBranch = input.base_branch === undefined ? undefined : assertBaseBranch(input.base_branch);
  const trace: Trace = { requestId: options.requestId };
  return ctx.deps.storage.transaction(async (tx) => {
    const project = await tx.projects.create({
      name,
      git_url: gitUrl,
      ...(baseBranch !== undefined ? { base_branch: baseBranch } : {}),
      ...(input.local_path !== undefined ? { local_path: input.local_path } : {}),
      ...(input.ci_provider !== undefined ? { ci_provider: input.ci_provider } : {}),
      ...(secrets !== undefined ? { secrets } : {}),
      ...(input.default_models !== undefined ? { default_models: input.default_models } : {}),
    });
    const setupRun = await createSetupRun(tx, project);
    const job = await enqueueSetup(ctx, tx, project, setupRun, trace);
    return { project, setup_run: setupRun, job };
  });
}

/**
 * Starts onboarding again on the project's setup run (created when missing). Only a `pending` or
 * `blocked` setup run can be (re)started: `completed` and `failed` are terminal (409), and a
 * running one is already at work (409).
 */
export async function startOnboarding(
  ctx: OrchestratorContext,
  projectId: number,
  options: CallOptions = {},
): Promise<RunActionResult & { job: QueueJob }> {
  const trace: Trace = { requestId: options.requestId };
  const outcome = await ctx.deps.storage.transaction(async (tx) => {
    const project = await getProject(tx, projectId);
    const run =
      (await tx.protocolRuns.findByName(project.id, setupRunName(project.id))) ?? (await createSetupRun(tx, project));
    if (run.status === 'running' || run.status === 'planning') {
      throw new ConflictError('Onboarding already running', {
        code: 'onboarding_running',
        details: { protocol_run_id: run.id, status: run.status },
      });
    }
    if (run.status !== 'pending' && run.status !== 'blocked') {
      throw new ConflictError(`Onboarding already ${run.status}`, {
        code: 'onboarding_terminal',
        details: { protocol_run_id: run.id, status: run.status },
      });
    }
    // A setup job still waiting in the queue is the answer to a second click.
    const waiting = (
      await tx.jobRuns.list({ protocol_run_id: run.id, job_type: 'project_setup_job', status: 'queued' }, { limit: 1 })
    ).items[0];
    if (waiting) return { run, job: null, waitingId: waiting.run_id };
    const job = await enqueueSetup(ctx, tx, project, run, trace);
    return { run, job, waitingId: null };
  });
  // Read outside the transaction: on SQLite the queue shares the one connection the transaction holds.
  const job = outcome.job ?? (await ctx.deps.queue.get(outcome.waitingId as string));
  return { run: outcome.run, job };
}

/**
 * Enqueues `project_discovery_job` (discovery on its own) with its `discovery_enqueued` event. A
 * discovery job of the project still queued is the answer to a second call (`created: false`); one
 * running, or the project's onboarding running (it runs discovery itself), is a 409; a project
 * without a checkout yet is a 409 too (onboard it first).
 */
export async function startDiscovery(
  ctx: OrchestratorContext,
  projectId: number,
  input: StartDiscoveryInput = {},
  options: CallOptions = {},
): Promise<DiscoveryStarted> {
  const parsed = createDiscoveryInputSchema(ctx.deps.engines).safeParse(input ?? {});
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, [], { title: 'Invalid discovery request' });
  const engineId = parsed.data.engine_id?.trim() || null;
  const trace: Trace = { requestId: options.requestId };
  const outcome = await ctx.deps.storage.transaction(async (tx) => {
    const project = await getProject(tx, projectId);
    const jobs = (status: 'queued' | 'running') =>
      tx.jobRuns.list({ project_id: project.id, job_type: 'project_discovery_job', status }, { limit: 1 });
    const running = (await jobs('running')).items[0];
    if (running) {
      throw new ConflictError('Discovery already running', {
        code: 'discovery_running',
        details: { project_id: project.id, job_id: running.run_id },
      });
    }
    const setup = await tx.protocolRuns.findByName(project.id, setupRunName(project.id));
    if (setup && (setup.status === 'running' || setup.status === 'planning')) {
      throw new ConflictError('Onboarding is running (it runs discovery itself)', {
        code: 'onboarding_running',
        details: { project_id: project.id, protocol_run_id: setup.id, status: setup.status },
      });
    }
    if (!project.local_path) {
      throw new ConflictError(`Project ${project.id} has no local checkout yet: onboard it first`, {
        code: 'no_local_checkout',
        details: { project_id: project.id },
      });
    }
    const waiting = (await jobs('queued')).items[0];
    if (waiting) return { project, job: null, waitingId: waiting.run_id };
    const job = await enqueueWithEvent(
      ctx,
      tx,
      {
        type: 'project_discovery_job',
        payload: { project_id: project.id, ...(engineId ? { engine_id: engineId } : {}) },
      },
      {
        type: 'discovery_enqueued',
        message: `Discovery enqueued${engineId ? ` (engine ${engineId})` : ''}.`,
        projectId: project.id,
        metadata: { engine_id: engineId },
      },
      trace,
    );
    return { project, job, waitingId: null };
  });
  // Read outside the transaction: on SQLite the queue shares the one connection the transaction holds.
  const job = outcome.job ?? (await ctx.deps.queue.get(outcome.waitingId as string));
  return { project: outcome.project, job, created: outcome.job !== null };
}
