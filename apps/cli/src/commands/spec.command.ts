import type { ActionResponse, CodexRunOut } from '@tasksgodzilla/client';
import { Option, type Command } from 'commander';
import { CommandFailedError } from '../cli.errors.js';
import type { CommandContext } from '../cli.types.js';
import type { ContextFactory } from '../context.js';
import { cell, renderRecord } from '../format.js';
import { intInRange, parseSeconds } from '../parse.js';
import { registerGroup } from './command-helpers.js';
import { printAction } from './command-output.js';
import { projectOption, protocolOption } from './command-options.js';

export interface AuditOptions {
  project?: number;
  protocol?: number;
  backfill?: boolean;
  /** The original's `spec validate --backfill-missing`: the same as `backfill`. */
  backfillMissing?: boolean;
  interval?: number;
  wait?: boolean;
  timeout: number;
}

const FINISHED = ['succeeded', 'failed', 'cancelled'];

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/** Polls the audit job in the job ledger until it finishes. */
async function waitForJob(ctx: CommandContext, jobId: string, timeoutSeconds: number): Promise<CodexRunOut> {
  const started = ctx.now();
  const { signal, dispose } = ctx.interruptSignal();
  try {
    for (;;) {
      const run = await ctx.client.getCodexRun(jobId);
      if (FINISHED.includes(run.status)) return run;
      if (timeoutSeconds > 0 && ctx.now() - started >= timeoutSeconds * 1000)
        throw new CommandFailedError(
          `timed out after ${timeoutSeconds} s waiting for job ${jobId}; it is ${run.status}`,
        );
      await sleep(500, signal);
      if (signal.aborted) throw new CommandFailedError(`interrupted while waiting for job ${jobId}`);
    }
  } finally {
    dispose();
  }
}

/**
 * Enqueues a spec audit through the api (`POST /specs/audit`). The original's `spec validate` opened
 * the database directly; this one works against any api. With --wait, waits for the job's result.
 */
export async function auditSpecs(ctx: CommandContext, options: AuditOptions): Promise<ActionResponse> {
  const response = await ctx.client.auditSpecs({
    project_id: options.project ?? null,
    protocol_id: options.protocol ?? null,
    backfill: options.backfill === true || options.backfillMissing === true,
    interval_seconds: options.interval ?? null,
  });
  const jobId = response.job?.job_id;
  if (!options.wait || !jobId) {
    printAction(ctx, response);
    return response;
  }
  if (!ctx.json) ctx.print(`${response.message || 'Spec audit enqueued.'} Waiting for job ${jobId}…`);
  const run = await waitForJob(ctx, jobId, options.timeout);
  if (ctx.json) ctx.printJson({ ...response, run });
  else ctx.print(renderRecord({ job: run.run_id, status: run.status, result: run.result, error: run.error }));
  if (run.status !== 'succeeded')
    throw new CommandFailedError(`spec audit job ${jobId} ${run.status}${run.error ? `: ${cell(run.error)}` : ''}`);
  return response;
}

export function registerSpecCommands(program: Command, ctxOf: ContextFactory): void {
  const group = { name: 'spec', description: 'protocol specs: audit (validate, optionally backfill) through the api' };
  registerGroup(program, ctxOf, group, [
    {
      name: 'audit',
      alias: 'validate',
      description:
        'enqueue a spec audit job via POST /specs/audit (the original read the database directly); one spec_audit event per run',
      examples: [
        'tgz spec audit',
        'tgz spec audit --protocol 2 --backfill --wait',
        'tgz events list --protocol 2   # shows the spec_audit events',
      ],
      options: [
        projectOption('only the runs of this project'),
        protocolOption('only this protocol run (wins over --project)'),
        new Option('--backfill', 'rebuild missing specs from the protocol files'),
        new Option('--backfill-missing', "the original's name for --backfill"),
        new Option('--interval <seconds>', 'interval override (logged by the worker)').argParser(intInRange(1, 86_400)),
        new Option('--wait', 'wait for the audit job and print its result'),
        new Option('--timeout <seconds>', 'with --wait: give up after this long (0: no limit)')
          .argParser(parseSeconds)
          .default(120),
      ],
      run: (ctx, opts: AuditOptions) => auditSpecs(ctx, opts),
    },
  ]);
}
