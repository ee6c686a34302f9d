import type { ActionResponse, ListFn, PageParams } from '@tasksgodzilla/client';
import { collect } from '@tasksgodzilla/client';
import type { Command } from 'commander';
import type { CommandContext } from '../cli.types.js';
import { withContext, type ContextFactory } from '../context.js';
import { parseId } from '../parse.js';

/** Adds an "Examples:" section to a command's help. */
export function examples(command: Command, lines: readonly string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
}

/** Walks every page of a list endpoint (bounded by `max`). */
export function collectAll<T>(
  ctx: CommandContext,
  listFn: ListFn<T, PageParams>,
  max = Number.POSITIVE_INFINITY,
  pageSize = 100,
): Promise<T[]> {
  return collect(ctx.client.iterate(listFn, { limit: Math.max(1, Math.min(pageSize, max)) }), max);
}

/** Action output: the response as JSON, or its message (with the job id) as text. */
export function printAction(ctx: CommandContext, response: ActionResponse): void {
  if (ctx.json) return ctx.printJson(response);
  const message = response?.message || 'OK';
  ctx.print(response?.job?.job_id ? `${message} (job ${response.job.job_id}).` : message);
}

/** A subcommand that takes one id argument and nothing else (`tgz steps show 5`). */
export interface IdCommandSpec {
  name: string;
  alias?: string;
  description: string;
  examples: readonly string[];
  run: (ctx: CommandContext, id: number) => Promise<unknown>;
}

/** Registers `specs` under `parent`, each taking the id argument `argument` (e.g. `<step-id>`, "step run id"). */
export function registerIdCommands(
  parent: Command,
  ctxOf: ContextFactory,
  argument: { name: string; description: string },
  specs: readonly IdCommandSpec[],
): void {
  for (const spec of specs) {
    const command = parent.command(spec.name);
    if (spec.alias) command.alias(spec.alias);
    examples(
      command.description(spec.description).argument(argument.name, argument.description, parseId),
      spec.examples,
    ).action(withContext(ctxOf, (ctx, id: number) => spec.run(ctx, id)));
  }
}
