import { ConflictError, NotFoundError, isTerminalProtocolStatus, type Project } from '@tasksgodzilla/core';
import type { RepoLocator } from '@tasksgodzilla/platform-git';
import type { OrchestratorContext, Trace } from '../orchestrator.context.js';
import type { BranchDeleted, CallOptions } from '../orchestrator.types.js';

/** Runs read per query when looking for an unfinished run that works on a branch. */
const RUNS_PAGE = 500;

async function getProject(ctx: OrchestratorContext, projectId: number): Promise<Project> {
  const project = await ctx.deps.storage.projects.find(projectId);
  if (!project) throw new NotFoundError('Project not found', { details: { project_id: projectId } });
  return project;
}

/** The project's checkout, or a 409: reading branches never clones. */
async function checkoutPath(ctx: OrchestratorContext, project: Project): Promise<string> {
  const locator: RepoLocator = {
    projectId: project.id,
    gitUrl: project.git_url,
    projectName: project.name,
    localPath: project.local_path,
  };
  const path = await ctx.deps.git.resolveRepoPath(locator);
  if (!path)
    throw new ConflictError(
      `Repository not present locally at ${project.local_path ?? ctx.deps.git.repoPathFor(locator)}`,
      { code: 'repository_missing', details: { project_id: project.id } },
    );
  return path;
}

/** The project's base branch and the branch of a run that is not finished are refused (409). */
async function assertBranchDeletable(ctx: OrchestratorContext, project: Project, branch: string): Promise<void> {
  if (branch === project.base_branch)
    throw new ConflictError(`Branch ${branch} is the project's base branch; it cannot be deleted`, {
      code: 'branch_is_base',
      details: { branch },
    });
  let cursor: string | null = null;
  do {
    const page = await ctx.deps.storage.protocolRuns.list({ project_id: project.id }, { limit: RUNS_PAGE, cursor });
    const active = page.items.find(
      (run) => !isTerminalProtocolStatus(run.status) && (run.branch_name ?? run.protocol_name) === branch,
    );
    if (active)
      throw new ConflictError(
        `Branch ${branch} belongs to protocol run ${active.id} (${active.status}); cancel or finish the run first`,
        { code: 'branch_in_use', details: { branch, protocol_run_id: active.id } },
      );
    cursor = page.next_cursor;
  } while (cursor);
}

/** The branches of the project's origin; records `branches_listed` (a project event). */
export async function listBranches(
  ctx: OrchestratorContext,
  projectId: number,
  options: CallOptions = {},
): Promise<string[]> {
  const project = await getProject(ctx, projectId);
  const branches = await ctx.deps.git.listRemoteBranches(await checkoutPath(ctx, project));
  await ctx.record(
    null,
    {
      type: 'branches_listed',
      message: 'Listed remote branches.',
      projectId: project.id,
      metadata: { project_id: project.id, branches },
    },
    { requestId: options.requestId },
  );
  return branches;
}

/**
 * Deletes a branch on the project's origin. Refused (409) for the base branch, the branch of an
 * unfinished run, a missing checkout, and when the remote refuses (`branch_delete_failed` recorded);
 * a branch origin lacks is a 404. Records `branch_deleted`.
 */
export async function deleteRemoteBranch(
  ctx: OrchestratorContext,
  projectId: number,
  branch: string,
  options: CallOptions = {},
): Promise<BranchDeleted> {
  const trace: Trace = { requestId: options.requestId };
  const project = await getProject(ctx, projectId);
  await assertBranchDeletable(ctx, project, branch);
  const path = await checkoutPath(ctx, project);
  if (!(await ctx.deps.git.remoteBranchExists(path, branch)))
    throw new NotFoundError(`Remote branch ${branch} not found`, { code: 'branch_not_found', details: { branch } });
  const metadata = { project_id: project.id, branch };
  try {
    await ctx.deps.git.deleteRemoteBranch(path, branch);
  } catch (error) {
    await ctx.record(
      null,
      {
        type: 'branch_delete_failed',
        message: `Failed to delete remote branch ${branch}: ${error instanceof Error ? error.message : String(error)}`,
        projectId: project.id,
        metadata,
      },
      trace,
    );
    // The remote refused (a protected branch, origin's HEAD, …): a conflict with its state, not our fault.
    throw new ConflictError(`Failed to delete remote branch ${branch}`, {
      code: 'branch_delete_failed',
      details: { branch },
      cause: error,
    });
  }
  await ctx.record(
    null,
    { type: 'branch_deleted', message: `Deleted remote branch ${branch}.`, projectId: project.id, metadata },
    trace,
  );
  return { deleted: true, branch };
}
