import { join } from 'node:path';
import type { Project, ProtocolRun } from '@tasksgodzilla/core';
import { isCodeMachineRun } from '@tasksgodzilla/services-spec';
import type { OrchestratorContext } from '../orchestrator.context.js';

/** Where a run works. */
export interface RunWorkspace {
  /** The main checkout of the project. */
  repoPath: string;
  worktreePath: string;
  protocolRoot: string;
  branch: string;
  codemachine: boolean;
}

/** `<worktree>/.protocols/<protocol_name>`. */
export function protocolRootOf(worktreePath: string, protocolName: string): string {
  return join(worktreePath, '.protocols', protocolName);
}

/**
 * The run's repository and worktree, created when missing (clone per Config.autoClone, worktree on
 * the protocol's branch from origin/<base>). CodeMachine runs work in their workspace as it is.
 */
export async function ensureRunWorkspace(
  ctx: OrchestratorContext,
  project: Project,
  run: ProtocolRun,
): Promise<RunWorkspace> {
  if (isCodeMachineRun(run) && run.worktree_path) {
    return {
      repoPath: run.worktree_path,
      worktreePath: run.worktree_path,
      protocolRoot: run.protocol_root ?? join(run.worktree_path, '.codemachine'),
      branch: run.branch_name ?? run.protocol_name,
      codemachine: true,
    };
  }
  const { git } = ctx.deps;
  const repo = await git.ensureRepo({
    projectId: project.id,
    gitUrl: project.git_url,
    projectName: project.name,
    localPath: project.local_path,
    cloneIfMissing: ctx.config.autoClone,
  });
  const worktree = await git.ensureWorktree({
    repoPath: repo.path,
    protocolName: run.protocol_name,
    baseBranch: run.base_branch,
  });
  // Onboarding's starter assets and discovery notes become the new branch's first commit.
  if (worktree.created) await ctx.deps.onboarding.seedWorktree({ repoPath: repo.path, worktreePath: worktree.path });
  return {
    repoPath: repo.path,
    worktreePath: worktree.path,
    protocolRoot: protocolRootOf(worktree.path, run.protocol_name),
    branch: worktree.branch,
    codemachine: false,
  };
}

/** The paths recorded on the run, or null when the run was never planned (nothing is created). */
export function recordedWorkspace(run: ProtocolRun): Omit<RunWorkspace, 'repoPath'> | null {
  if (!run.worktree_path) return null;
  return {
    worktreePath: run.worktree_path,
    protocolRoot: run.protocol_root ?? protocolRootOf(run.worktree_path, run.protocol_name),
    branch: run.branch_name ?? run.protocol_name,
    codemachine: isCodeMachineRun(run),
  };
}
