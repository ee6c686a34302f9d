import {
  ConflictError,
  createRedactor,
  projectSecretValues,
  type Event,
  type IssueLink,
  type ProtocolRun,
  type StepRun,
} from '@tasksgodzilla/core';
import type { HandlerResult } from '@tasksgodzilla/platform-queue';
import type { StorageTx } from '@tasksgodzilla/platform-storage';
import type { OrchestratorJobHandler } from '../job-types.js';
import { runJobPayload, type OrchestratorContext, type Trace } from '../orchestrator.context.js';
import { inRunJobScope, jobTrace, skipped } from '../handlers/job-scope.js';
import { projectForgeToken } from './issue-runs.js';

/** Events whose message says why a run stopped (the latest one is the comment's reason). */
const REASON_EVENTS = [
  'planning_failed',
  'spec_validation_error',
  'budget_exceeded',
  'job_failed',
  'step_execution_failed',
  'qa_failed',
  'qa_error',
  'loop_limit_reached',
];

/**
 * Events after which a run's issue comment is brought up to date: planning done, a PR opened, the run
 * completed, cancelled or merged, or stopped by a failure (the run may then be blocked).
 */
export const ISSUE_COMMENT_TRIGGERS: ReadonlySet<string> = new Set([
  'planned',
  'open_pr',
  'protocol_completed',
  'cancelled',
  'pr_merged',
  'mr_merged',
  ...REASON_EVENTS,
]);

/** `pending:<job id>`: a comment being posted by that job (claimed so two jobs never post two comments). */
const PENDING = 'pending:';

/**
 * Enqueues the run's `issue_comment_job` in `tx` when the run was opened from an issue (the job
 * renders the run as it is when it runs, so jobs enqueued in a burst converge on the same comment).
 */
export async function enqueueIssueComment(
  ctx: OrchestratorContext,
  tx: StorageTx,
  run: Pick<ProtocolRun, 'id' | 'project_id'>,
  trace?: Trace,
): Promise<void> {
  if (!(await tx.issueLinks.findByRun(run.id))) return;
  await ctx.enqueue(tx, 'issue_comment_job', runJobPayload(run), trace);
}

/** What the comment shows of a run. */
export interface IssueCommentView {
  run: Pick<ProtocolRun, 'id' | 'protocol_name' | 'status'>;
  steps: Pick<StepRun, 'step_name' | 'status'>[];
  planned: boolean;
  prUrl: string | null;
  /** Why the run stopped, when it is blocked or failed. */
  reason: string | null;
}

const STATUS_LINES: Record<string, string> = {
  pending: 'waiting to be planned',
  planning: 'planning',
  planned: 'planned',
  running: 'running',
  paused: 'paused',
  blocked: 'blocked',
  failed: 'failed',
  cancelled: 'cancelled',
  completed: 'completed',
};

/** The comment's Markdown: status, the plan's steps, the PR link, and the reason when it stopped. */
export function renderIssueComment(view: IssueCommentView): string {
  const { run } = view;
  const status = STATUS_LINES[run.status] ?? run.status;
  const lines = [
    `<!-- tasksgodzilla:protocol-run:${run.id} -->`,
    `**TasksGodzilla** protocol \`${run.protocol_name}\` (run ${run.id}): **${status}**`,
    '',
  ];
  if (view.planned && view.steps.length > 0) {
    const done = view.steps.filter((step) => step.status === 'completed').length;
    lines.push(`- Plan: ${view.steps.length} steps (${done} completed)`);
    for (const step of view.steps) lines.push(`  - \`${step.step_name}\`: ${step.status}`);
  }
  if (view.prUrl) lines.push(`- Pull request: ${view.prUrl}`);
  if ((run.status === 'blocked' || run.status === 'failed') && view.reason)
    lines.push(`- Reason: ${view.reason.replace(/\s+/g, ' ').slice(0, 500)}`);
  if (run.status === 'completed') lines.push('- Completed: every step is done.');
  return `${lines.join('\n').trimEnd()}\n`;
}

async function latest(ctx: OrchestratorContext, runId: number, types: string[]): Promise<Event | null> {
  const page = await ctx.deps.storage.events.list({ protocol_run_id: runId, event_types: types }, { limit: 1 });
  return page.items[0] ?? null;
}

async function viewOf(ctx: OrchestratorContext, run: ProtocolRun): Promise<IssueCommentView> {
  const steps = await ctx.deps.storage.stepRuns.listByRun(run.id);
  const pr = await latest(ctx, run.id, ['open_pr']);
  const url = pr?.metadata?.url;
  const reason = ['blocked', 'failed'].includes(run.status) ? await latest(ctx, run.id, REASON_EVENTS) : null;
  return {
    run,
    steps,
    planned: (await latest(ctx, run.id, ['planned'])) !== null,
    prUrl: typeof url === 'string' ? url : null,
    reason: reason?.message ?? null,
  };
}

/**
 * Takes the right to post the issue's first comment: true when this job holds it (now or from an
 * earlier attempt); a live job that holds it makes this attempt fail retryably (it edits afterwards).
 */
async function claimFirstComment(ctx: OrchestratorContext, link: IssueLink, jobId: string): Promise<void> {
  const mine = `${PENDING}${jobId}`;
  const current = link.comment_id;
  if (current === mine) return;
  if (current !== null) {
    const holder = await ctx.deps.storage.jobRuns.find(current.slice(PENDING.length));
    const live = holder !== null && (holder.status === 'queued' || holder.status === 'running');
    if (!live && (await ctx.deps.storage.issueLinks.swapCommentId(link.id, current, mine))) return;
  } else if (await ctx.deps.storage.issueLinks.swapCommentId(link.id, null, mine)) return;
  throw new ConflictError('Another job is posting the issue comment', {
    code: 'issue_comment_in_progress',
    retryable: true,
  });
}

/**
 * `issue_comment_job`: renders the run (status, plan, PR link, reason) and edits its one comment on
 * the issue in place, posting it the first time (`issue_comment_posted`). The forge token is the
 * project's `forge_token` secret, else the server's; secret values never reach the comment. A
 * failure is retried by the queue and, in the end, only leaves `job_failed`: the run goes on.
 */
export function createIssueCommentHandler(ctx: OrchestratorContext): OrchestratorJobHandler<'issue_comment_job'> {
  return async (job): Promise<HandlerResult> =>
    inRunJobScope(ctx, job, job.payload.protocol_run_id, async (run): Promise<HandlerResult> => {
      const { storage, git } = ctx.deps;
      const link = await storage.issueLinks.findByRun(run.id);
      if (!link) return skipped('the run has no issue');
      const project = await storage.projects.get(run.project_id);
      const redact = createRedactor([...projectSecretValues(project.secrets), ...(ctx.deps.redactValues ?? [])]);
      const body = redact(renderIssueComment(await viewOf(ctx, run)));
      const posted = link.comment_id !== null && !link.comment_id.startsWith(PENDING) ? link.comment_id : null;
      if (posted === null) await claimFirstComment(ctx, link, job.run_id);
      const result = await git.upsertIssueComment({
        provider: link.provider,
        repository: link.repository,
        number: link.issue_number,
        token: projectForgeToken(project),
        commentId: posted,
        body,
      });
      if (result.commentId !== posted) {
        const expected = posted ?? `${PENDING}${job.run_id}`;
        await storage.issueLinks.swapCommentId(link.id, expected, result.commentId);
      }
      await ctx.record(
        null,
        {
          type: 'issue_comment_posted',
          message: `${result.created ? 'Posted' : 'Updated'} the status comment on ${link.repository}#${link.issue_number} (${run.status}).`,
          run,
          metadata: { comment_id: result.commentId, created: result.created, stage: run.status },
        },
        jobTrace(job),
      );
      return { result: { comment_id: result.commentId, created: result.created, status: run.status } };
    });
}
