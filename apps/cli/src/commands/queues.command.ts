import type { Job, QueueStats } from '@tasksgodzilla/client';
import { JOB_STATUSES } from '@tasksgodzilla/core';
import type { Command } from 'commander';
import type { CommandContext } from '../cli.types.js';
import { withContext, type ContextFactory } from '../context.js';
import { renderJobs, renderQueueStats } from '../format.js';
import { intInRange, nonBlank } from '../parse.js';
import { collectAll, examples, printAction } from './command-helpers.js';

export async function queueStats(ctx: CommandContext): Promise<QueueStats> {
  const stats = await ctx.client.queueStats();
  if (ctx.json) ctx.printJson(stats);
  else ctx.print(renderQueueStats(stats));
  return stats;
}

export async function listJobs(ctx: CommandContext, status: string | undefined, limit: number): Promise<Job[]> {
  const jobs = await collectAll(ctx, (p) => ctx.client.listQueueJobs({ ...p, status }), limit);
  if (ctx.json) ctx.printJson(jobs);
  else if (jobs.length === 0) ctx.print('No jobs.');
  else ctx.print(renderJobs(jobs));
  return jobs;
}

export function registerQueuesCommands(program: Command, ctxOf: ContextFactory): void {
  const queues = program.command('queues').description('the job queue: counts, jobs by status, retry and cancel');

  examples(queues.command('stats').description('job counts per queue and status, and the queue backend'), [
    'tgz queues stats',
    'tgz queues stats --json',
  ]).action(withContext(ctxOf, (ctx) => queueStats(ctx)));

  examples(
    queues
      .command('jobs')
      .description('list jobs, newest first')
      .option(
        '--status <status>',
        `only jobs with this status (${JOB_STATUSES.join(', ')}; the api also accepts the original's names)`,
        nonBlank,
      )
      .option('--limit <n>', 'how many jobs', intInRange(1, 10_000), 50),
    ['tgz queues jobs', 'tgz queues jobs --status failed', 'tgz queues jobs --status queued --json'],
  ).action(
    withContext(ctxOf, (ctx, opts: { status?: string; limit: number }) => listJobs(ctx, opts.status, opts.limit)),
  );

  examples(
    queues
      .command('retry')
      .description('re-enqueue a failed or dead-lettered job')
      .argument('<job-id>', 'job id', nonBlank),
    ['tgz queues retry 6f1c…'],
  ).action(withContext(ctxOf, async (ctx, jobId: string) => printAction(ctx, await ctx.client.retryJob(jobId))));

  examples(
    queues
      .command('cancel')
      .description('cancel a queued or running job (a running engine is killed)')
      .argument('<job-id>', 'job id', nonBlank),
    ['tgz queues cancel 6f1c…'],
  ).action(withContext(ctxOf, async (ctx, jobId: string) => printAction(ctx, await ctx.client.cancelJob(jobId))));
}
