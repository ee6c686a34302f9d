import type { CodexRunOut } from '@tasksgodzilla/client';
import { Option, type Command } from 'commander';
import type { CommandContext } from '../cli.types.js';
import type { ContextFactory } from '../context.js';
import { renderCodexRuns } from '../format.js';
import { nonBlank } from '../parse.js';
import { collectAll, idCommands, registerGroup } from './command-helpers.js';
import { printList, printRecord, printTextBody } from './command-output.js';
import { limitOption, statusOption, textArgument } from './command-options.js';

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
  return printList(ctx, runs, 'No runs.', renderCodexRuns);
}

export async function showCodexRun(ctx: CommandContext, runId: string): Promise<CodexRunOut> {
  return printRecord(ctx, await ctx.client.getCodexRun(runId));
}

export async function codexRunLogs(ctx: CommandContext, runId: string): Promise<void> {
  const text = await ctx.client.getCodexRunLogs(runId);
  printTextBody(ctx, text, { run_id: runId, log: text }, '(empty log)');
}

export function registerCodexRunsCommands(program: Command, ctxOf: ContextFactory): void {
  const group = {
    name: 'codex-runs',
    description: 'the job ledger (the original codex runs): every job with status, attempts, tokens and log',
  };
  registerGroup(program, ctxOf, group, [
    {
      name: 'list',
      description: 'list ledger runs, newest first',
      examples: ['tgz codex-runs list', 'tgz codex-runs list --job-type execute_step_job --status failed'],
      options: [
        new Option('--job-type <type>', 'only this job type (e.g. execute_step_job)').argParser(nonBlank),
        statusOption('only this status (queued, running, succeeded, failed, cancelled)'),
        limitOption('runs', 10_000, 50),
      ],
      run: (ctx, opts: { jobType?: string; status?: string; limit: number }) => listCodexRuns(ctx, opts, opts.limit),
    },
    ...idCommands(textArgument('<run-id>', 'run (job) id'), [
      { name: 'show', description: 'show one ledger run', examples: ['tgz codex-runs show 6f1c…'], run: showCodexRun },
      {
        name: 'logs',
        description: "print a run's log file",
        examples: ['tgz codex-runs logs 6f1c…'],
        run: codexRunLogs,
      },
    ]),
  ]);
}
