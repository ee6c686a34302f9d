import type { ActionResponse, ListFn, PageParams } from '@tasksgodzilla/client';
import { collect } from '@tasksgodzilla/client';
import type { Command } from 'commander';
import type { CommandContext } from '../cli.types.js';

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
