import type { CodexRunOut } from '@tasksgodzilla/client';
import type { Command } from 'commander';
import type { CommandContext } from '../cli.types.js';
import { withContext, type ContextFactory } from '../context.js';
import { asBlock, renderCodexRuns, renderRecord } from '../format.js';
import { intInRange, nonBlank } from '../parse.js';
import { collectAll, examples } from './command-helpers.js';

export async function listCodexRuns(
  ctx: CommandContext,
  filter: { jobType?: string; status?: string },
  limit: number,
): Promise<CodexRunOut[]> {
  const runs = await collectAll(
    ctx,
    (p) => ctx.client.listCodexRuns({ ...p, job_type: filter.jobType, status: filter.status }),
    limit,
  );
  if (ctx.json) ctx.printJson(runs);
  else if (runs.length === 0) ctx.print('No runs.');
  else ctx.print(renderCodexRuns(runs));
  return runs;
}

export async function showCodexRun(ctx: CommandContext, runId: string): Promise<CodexRunOut> {
  const run = await ctx.client.getCodexRun(runId);
  if (ctx.json) ctx.printJson(run);
  else ctx.print(renderRecord(run as unknown as Record<string, unknown>));
  return run;
}

export async function codexRunLogs(ctx: CommandContext, runId: string): Promise<void> {
  const text = await ctx.client.getCodexRunLogs(runId);
  if (ctx.json) ctx.printJson({ run_id: runId, log: text });
  else ctx.print(text.trim() === '' ? '(empty log)' : asBlock(text));
}

export function registerCodexRunsCommands(program: Command, ctxOf: ContextFactory): void {
  const runs = program
    .command('codex-runs')
    .description('the job ledger (the original codex runs): every job with status, attempts, tokens and log');

  examples(
    runs
      .command('list')
      .description('list ledger runs, newest first')
      .option('--job-type <type>', 'only this job type (e.g. execute_step_job)', nonBlank)
      .option('--status <status>', 'only this status (queued, running, succeeded, failed, cancelled)', nonBlank)
      .option('--limit <n>', 'how many runs', intInRange(1, 10_000), 50),
    ['tgz codex-runs list', 'tgz codex-runs list --job-type execute_step_job --status failed'],
  ).action(
    withContext(ctxOf, (ctx, opts: { jobType?: string; status?: string; limit: number }) =>
      listCodexRuns(ctx, opts, opts.limit),
    ),
  );

  examples(runs.command('show').description('show one ledger run').argument('<run-id>', 'run (job) id', nonBlank), [
    'tgz codex-runs show 6f1c…',
  ]).action(withContext(ctxOf, (ctx, runId: string) => showCodexRun(ctx, runId)));

  examples(runs.command('logs').description("print a run's log file").argument('<run-id>', 'run (job) id', nonBlank), [
    'tgz codex-runs logs 6f1c…',
  ]).action(withContext(ctxOf, (ctx, runId: string) => codexRunLogs(ctx, runId)));
}
