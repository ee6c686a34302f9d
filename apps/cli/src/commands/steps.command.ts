import { stepQuestion, type StepRunOut } from '@tasksgodzilla/client';
import type { Command } from 'commander';
import type { CommandContext } from '../cli.types.js';
import type { ContextFactory } from '../context.js';
import { renderRecord, renderSteps } from '../format.js';
import { collectAll, idCommands, registerGroup } from './command-helpers.js';
import { printAction, printList, printResult, printTextBody } from './command-output.js';
import { idArgument, protocolOption, required, textArgument } from './command-options.js';

/** The fields `steps show` prints, in order. */
const STEP_FIELDS = [
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
] as const;

export async function listSteps(ctx: CommandContext, protocolId: number): Promise<StepRunOut[]> {
  return printList(ctx, await collectAll(ctx, (p) => ctx.client.listSteps(protocolId, p)), 'No steps.', renderSteps);
}

/** The step's fields; a step waiting for an answer also gets its question and how to answer it. */
export async function showStep(ctx: CommandContext, id: number): Promise<StepRunOut> {
  return printResult(ctx, await ctx.client.getStep(id), (step) => {
    const record = renderRecord(step, STEP_FIELDS);
    const question = stepQuestion(step);
    return question === null
      ? record
      : `${record}\n\nQuestion from the agent (answer with: tgz steps answer ${step.id} "<answer>"):\n${question}`;
  });
}

/** A person's answer to a `needs_input` step's question; the step runs again with it. */
export async function answerStep(ctx: CommandContext, id: number, answer: string): Promise<void> {
  printAction(ctx, await ctx.client.answerStep(id, answer));
}

export async function runStep(ctx: CommandContext, id: number): Promise<void> {
  printAction(ctx, await ctx.client.runStep(id));
}

export async function runStepQa(ctx: CommandContext, id: number): Promise<void> {
  printAction(ctx, await ctx.client.runStepQa(id));
}

export async function approveStep(ctx: CommandContext, id: number): Promise<StepRunOut> {
  return printResult(ctx, await ctx.client.approveStep(id), (s) => `OK: step ${s.id} (${s.step_name}) is ${s.status}.`);
}

async function printText(ctx: CommandContext, id: number, kind: 'log' | 'diff'): Promise<void> {
  const text = kind === 'log' ? await ctx.client.getStepLog(id) : await ctx.client.getStepDiff(id);
  printTextBody(ctx, text, { step_id: id, [kind]: text }, kind === 'log' ? '(empty log)' : '(no changes)');
}

export function registerStepsCommands(program: Command, ctxOf: ContextFactory): void {
  registerGroup(
    program,
    ctxOf,
    { name: 'steps', description: 'steps of a protocol run: list, show, run, QA, approve, answer, log, diff' },
    [
      {
        name: 'list',
        description: "list a run's steps in order",
        examples: ['tgz steps list --protocol 2'],
        options: [required(protocolOption())],
        run: (ctx, opts: { protocol: number }) => listSteps(ctx, opts.protocol),
      },
      {
        name: 'answer',
        description: 'answer the question of a step waiting for input (needs_input); the step runs again with it',
        examples: ['tgz steps answer 5 "Use port 8080"', 'tgz steps answer 5 "$(cat answer.md)"'],
        args: [idArgument('<step-id>', 'step run id'), textArgument('<answer>', 'the answer (not blank)')],
        run: (ctx, id: number, answer: string) => answerStep(ctx, id, answer),
      },
      ...idCommands(idArgument('<step-id>', 'step run id'), [
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
        {
          name: 'qa',
          alias: 'run-qa',
          description: 'enqueue QA of a step',
          examples: ['tgz steps qa 5'],
          run: runStepQa,
        },
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
      ]),
    ],
  );
}
