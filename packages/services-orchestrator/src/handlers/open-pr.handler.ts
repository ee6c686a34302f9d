import { existsSync } from 'node:fs';
import { errorMessage } from '@tasksgodzilla/core';
import type { HandlerResult } from '@tasksgodzilla/platform-queue';
import type { OrchestratorJobHandler } from '../job-types.js';
import type { OrchestratorContext } from '../orchestrator.context.js';
import { autoPrMode } from '../lifecycle/feedback-settings.js';
import { inRunJobScope, jobTrace, rethrowIfRunnerOwns, skipped } from './job-scope.js';

/**
 * `open_pr_job`: pushes the run's branch (`branch_name`, the one the worktree is on) and opens a
 * PR/MR against its base branch, as a draft when the run's `auto_pr` is `draft` → `open_pr` {branch, url}; failures → `open_pr_failed`. A PR that
 * cannot be opened does not block the run (the work itself is on the pushed branch).
 */
export function createOpenPrHandler(ctx: OrchestratorContext): OrchestratorJobHandler<'open_pr_job'> {
  return async (job, jobCtx): Promise<HandlerResult> =>
    inRunJobScope(ctx, job, job.payload.protocol_run_id, async (run): Promise<HandlerResult> => {
      const { storage, git } = ctx.deps;
      const trace = jobTrace(job);
      if (run.status === 'cancelled') return skipped('protocol is cancelled');
      // Re-delivery of a job that already answered: nothing to do twice.
      const answered = await storage.events.list(
        { protocol_run_id: run.id, event_types: ['open_pr', 'open_pr_failed', 'open_pr_skipped'] },
        { limit: 50 },
      );
      if (answered.items.some((event) => event.metadata?.job_id === job.run_id)) return skipped('already handled');
      const branch = run.branch_name;
      const project = await storage.projects.get(run.project_id);
      if (!branch) {
        await ctx.record(
          null,
          {
            type: 'open_pr_skipped',
            message: 'The protocol has no branch yet.',
            run,
            metadata: { reason: 'no_branch' },
          },
          trace,
        );
        return skipped('no branch');
      }
      const repo = await git.resolveRepoPath({
        projectId: project.id,
        gitUrl: project.git_url,
        projectName: project.name,
        localPath: project.local_path,
      });
      if (!repo) {
        await ctx.record(
          null,
          {
            type: 'open_pr_skipped',
            message: 'Repository not present locally.',
            run,
            metadata: { git_url: project.git_url, branch },
          },
          trace,
        );
        return skipped('repository missing');
      }
      // The worktree holds the branch while the run is active; afterwards the main checkout shares its refs.
      const repoPath = run.worktree_path && existsSync(run.worktree_path) ? run.worktree_path : repo;
      try {
        // A step push still queued in this process goes first (the same branch, pushed in order).
        if (run.worktree_path) await ctx.deps.execution.settlePushes(run.worktree_path);
        const pushed = await git.push({ repoPath, branch });
        if (!pushed.pushed) {
          await ctx.record(
            null,
            {
              type: 'open_pr_failed',
              message: 'Cannot open a PR/MR: the repository has no origin.',
              run,
              metadata: { branch, reason: pushed.reason },
            },
            trace,
          );
          return { result: { opened: false, reason: pushed.reason } };
        }
        const pr = await git.openPullRequest({
          repoPath,
          branch,
          base: run.base_branch,
          title: `WIP: ${run.protocol_name}`,
          draft: autoPrMode(run, ctx.config) === 'draft',
          body: `Protocol ${run.protocol_name} in progress.${run.description ? `\n\n${run.description}` : ''}`,
          ...(project.ci_provider ? { provider: project.ci_provider } : {}),
        });
        await ctx.record(
          null,
          {
            type: 'open_pr',
            message: `${pr.provider === 'gitlab' ? 'MR' : 'PR'} ${pr.created ? 'opened' : 'already open'}: ${pr.url ?? branch}`,
            run,
            metadata: {
              branch,
              url: pr.url,
              number: pr.number,
              provider: pr.provider,
              via: pr.via,
              created: pr.created,
              draft: autoPrMode(run, ctx.config) === 'draft',
            },
          },
          trace,
        );
        return { result: { opened: true, url: pr.url } };
      } catch (error) {
        rethrowIfRunnerOwns(jobCtx, error);
        await ctx.record(
          null,
          {
            type: 'open_pr_failed',
            message: `Open PR/MR failed: ${errorMessage(error)}`,
            run,
            metadata: { branch, error: errorMessage(error) },
          },
          trace,
        );
        return { result: { opened: false, error: errorMessage(error) } };
      }
    });
}
