import type { StepRunOut } from '@tasksgodzilla/client';
import type { Command } from 'commander';
import type { CommandContext } from '../cli.types.js';
import { withContext, type ContextFactory } from '../context.js';
import { asBlock, renderRecord, renderSteps } from '../format.js';
import { parseId } from '../parse.js';
import { collectAll, examples, printAction, registerIdCommands } from './command-helpers.js';

export async function listSteps(ctx: CommandContext, protocolId: number): Promise<StepRunOut[]> {
  const steps = await collectAll(ctx, (p) => ctx.client.listSteps(protocolId, p));
  if (ctx.json) ctx.printJson(steps);
  else if (steps.length === 0) ctx.print('No steps.');
  else ctx.print(renderSteps(steps));
  return steps;
}

export async function showStep(ctx: CommandContext, id: number): Promise<StepRunOut> {
  const step = await ctx.client.getStep(id);
  if (ctx.json) ctx.printJson(step);
  else
    ctx.print(
      renderRecord(step as unknown as Record<string, unknown>, [
        'id',
        'protocol_run_id',
        'step_index',
        'step_name',
        'step_type',
        'status',
        'retries',
        'engine_id',
        'model',
        'summary',
        'policy',
        'runtime_state',
        'created_at',
        'updated_at',
      ]),
    );
  return step;
}

export async function runStep(ctx: CommandContext, id: number): Promise<void> {
  printAction(ctx, await ctx.client.runStep(id));
}

export async function runStepQa(ctx: CommandContext, id: number): Promise<void> {
  printAction(ctx, await ctx.client.runStepQa(id));
}

export async function approveStep(ctx: CommandContext, id: number): Promise<StepRunOut> {
  const step = await ctx.client.approveStep(id);
  if (ctx.json) ctx.printJson(step);
  else ctx.print(`OK: step ${step.id} (${step.step_name}) is ${step.status}.`);
  return step;
}

async function printText(ctx: CommandContext, id: number, kind: 'log' | 'diff'): Promise<void> {
  const text = kind === 'log' ? await ctx.client.getStepLog(id) : await ctx.client.getStepDiff(id);
  if (ctx.json) ctx.printJson({ step_id: id, [kind]: text });
  else if (text.trim() === '') ctx.print(kind === 'log' ? '(empty log)' : '(no changes)');
  else ctx.print(asBlock(text));
}

export function registerStepsCommands(program: Command, ctxOf: ContextFactory): void {
  const steps = program
    .command('steps')
    .description('steps of a protocol run: list, show, run, QA, approve, log, diff');

  examples(
    steps
      .command('list')
      .description("list a run's steps in order")
      .requiredOption('--protocol <id>', 'protocol run id', parseId),
    ['tgz steps list --protocol 2'],
  ).action(withContext(ctxOf, (ctx, opts: { protocol: number }) => listSteps(ctx, opts.protocol)));

  registerIdCommands(steps, ctxOf, { name: '<step-id>', description: 'step run id' }, [
    {
      name: 'show',
      description: 'show one step (status, summary, runtime state)',
      examples: ['tgz steps show 5'],
      run: showStep,
    },
    {
      name: 'run',
      description: 'enqueue execution of a pending, blocked or failed step',
      examples: ['tgz steps run 5'],
      run: runStep,
    },
    { name: 'qa', alias: 'run-qa', description: 'enqueue QA of a step', examples: ['tgz steps qa 5'], run: runStepQa },
    {
      name: 'approve',
      description: 'mark a step completed by hand (may complete the run)',
      examples: ['tgz steps approve 5'],
      run: approveStep,
    },
    {
      name: 'log',
      description: "print the step's latest run log",
      examples: ['tgz steps log 5', 'tgz steps log 5 | less'],
      run: (ctx, id) => printText(ctx, id, 'log'),
    },
    {
      name: 'diff',
      description: "print the patch of the step's commit",
      examples: ['tgz steps diff 5'],
      run: (ctx, id) => printText(ctx, id, 'diff'),
    },
  ]);
}
