import type { Job, QueueStats } from '@tasksgodzilla/client';
import { JOB_STATUSES } from '@tasksgodzilla/core';
import type { Command } from 'commander';
import type { CommandContext } from '../cli.types.js';
import type { ContextFactory } from '../context.js';
import { renderJobs, renderQueueStats } from '../format.js';
import { collectAll, idCommands, registerGroup } from './command-helpers.js';
import { printAction, printList, printResult } from './command-output.js';
import { limitOption, statusOption, textArgument } from './command-options.js';

export async function queueStats(ctx: CommandContext): Promise<QueueStats> {
  return printResult(ctx, await ctx.client.queueStats(), renderQueueStats);
}

export async function listJobs(ctx: CommandContext, status: string | undefined, limit: number): Promise<Job[]> {
  const jobs = await collectAll(ctx, (p) => ctx.client.listQueueJobs({ ...p, status }), limit);
  return printList(ctx, jobs, 'No jobs.', renderJobs);
}

export function registerQueuesCommands(program: Command, ctxOf: ContextFactory): void {
  const group = { name: 'queues', description: 'the job queue: counts, jobs by status, retry and cancel' };
  registerGroup(program, ctxOf, group, [
    {
      name: 'stats',
      description: 'job counts per queue and status, and the queue backend',
      examples: ['tgz queues stats', 'tgz queues stats --json'],
      run: (ctx) => queueStats(ctx),
    },
    {
      name: 'jobs',
      description: 'list jobs, newest first',
      examples: ['tgz queues jobs', 'tgz queues jobs --status failed', 'tgz queues jobs --status queued --json'],
      options: [
        statusOption(
          `only jobs with this status (${JOB_STATUSES.join(', ')}; the api also accepts the original's names)`,
        ),
        limitOption('jobs', 10_000, 50),
      ],
      run: (ctx, opts: { status?: string; limit: number }) => listJobs(ctx, opts.status, opts.limit),
    },
    ...idCommands<string>(textArgument('<job-id>', 'job id'), [
      {
        name: 'retry',
        description: 're-enqueue a failed or dead-lettered job',
        examples: ['tgz queues retry 6f1c…'],
        run: async (ctx, jobId) => printAction(ctx, await ctx.client.retryJob(jobId)),
      },
      {
        name: 'cancel',
        description: 'cancel a queued or running job (a running engine is killed)',
        examples: ['tgz queues cancel 6f1c…'],
        run: async (ctx, jobId) => printAction(ctx, await ctx.client.cancelJob(jobId)),
      },
    ]),
  ]);
}
