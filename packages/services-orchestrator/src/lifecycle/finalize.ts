import { errorMessage, type Project, type ProtocolRun, type StepRun } from '@tasksgodzilla/core';
import type { StorageTx } from '@tasksgodzilla/platform-storage';
import { isCodeMachineRun } from '@tasksgodzilla/services-spec';
import type { OrchestratorContext } from '../orchestrator.context.js';

/**
 * Once the transaction that ended a run commits: commit what the run left uncommitted (the last
 * QA report, when asked), push its branch (best effort, when asked) and remove its worktree when Config.removeWorktreeOnEnd (the branch is kept). CodeMachine runs work
 * in the user's workspace, which is never removed.
 */
export function finalizeRunAfterCommit(
  ctx: OrchestratorContext,
  tx: StorageTx,
  project: Project,
  run: ProtocolRun,
  options: { push: boolean; commitLeftovers?: boolean },
): void {
  if (!run.worktree_path || isCodeMachineRun(run)) return;
  const worktree = run.worktree_path;
  const branch = run.branch_name ?? run.protocol_name;
  tx.afterCommit(async () => {
    const { git } = ctx.deps;
    const log = ctx.logger.child({ protocol_run_id: run.id, project_id: run.project_id });
    // The last steps' pushes, queued behind their jobs in this process, end before this push and the removal.
    await ctx.deps.execution.settlePushes(worktree);
    // What the run wrote after its last step commit (the last step's QA report) would go with the worktree.
    if (options.commitLeftovers) {
      try {
        const commit = await git.commitAll({ repoPath: worktree, message: `${run.protocol_name}: final reports` });
        if (commit.committed)
          log.info(
            { sha: commit.sha, files: commit.files },
            `committed ${commit.files.length} file(s) left after the last step`,
          );
      } catch (error) {
        log.warn({ err: error, worktree }, `committing the run's last reports failed: ${errorMessage(error)}`);
      }
    }
    if (options.push) {
      try {
        await git.push({ repoPath: worktree, branch });
      } catch (error) {
        log.warn({ err: error, branch }, `pushing ${branch} at the end of the run failed: ${errorMessage(error)}`);
      }
    }
    if (!ctx.config.removeWorktreeOnEnd) return;
    try {
      const repo = await git.resolveRepoPath({
        projectId: project.id,
        gitUrl: project.git_url,
        projectName: project.name,
        localPath: project.local_path,
      });
      if (repo) await git.removeWorktree(repo, worktree);
    } catch (error) {
      log.warn({ err: error, worktree }, `removing the worktree ${worktree} failed: ${errorMessage(error)}`);
    }
  });
}

/**
 * Waits for the step pushes this process queued for `worktreePath` when finishing `step` would end
 * the run (every other step completed or cancelled). A step's push runs behind its job
 * (services-execution), but the branch on the remote must hold every step's commit by the time
 * `protocol_completed` is recorded and announced. Called outside any transaction, before the one
 * that records the outcome; a run that is not ending does not wait.
 */
export async function settlePushesBeforeRunEnd(
  ctx: OrchestratorContext,
  step: Pick<StepRun, 'id' | 'protocol_run_id'>,
  worktreePath: string,
): Promise<void> {
  const { execution, storage } = ctx.deps;
  if (execution.pendingPushes(worktreePath) === 0) return;
  const steps = await storage.stepRuns.listByRun(step.protocol_run_id);
  if (steps.every((other) => other.id === step.id || other.status === 'completed' || other.status === 'cancelled'))
    await execution.settlePushes(worktreePath);
}
