import type { ActionResponse } from '@tasksgodzilla/client';
import type { CommandContext } from '../cli.types.js';
import { asBlock, renderRecord } from '../format.js';

// How commands print what the api answered: JSON with --json, else text.

/** Action output: the response as JSON, or its message (with the job id) as text. */
export function printAction(ctx: CommandContext, response: ActionResponse): void {
  if (ctx.json) return ctx.printJson(response);
  const message = response?.message || 'OK';
  ctx.print(response?.job?.job_id ? `${message} (job ${response.job.job_id}).` : message);
}

/** Prints `value` as JSON, or as the text `render` makes of it; returns `value`. */
export function printResult<T>(ctx: CommandContext, value: T, render: (value: T) => string): T {
  if (ctx.json) ctx.printJson(value);
  else ctx.print(render(value));
  return value;
}

/** Prints a list as JSON, `emptyText` when it is empty, else the table `render` makes; returns it. */
export function printList<T>(
  ctx: CommandContext,
  items: T[],
  emptyText: string,
  render: (items: readonly T[]) => string,
): T[] {
  return printResult(ctx, items, (all) => (all.length === 0 ? emptyText : render(all)));
}

/** Prints one api record as JSON, or as `key: value` lines of `keys` (all its keys without). */
export function printRecord<T extends object>(ctx: CommandContext, record: T, keys?: readonly string[]): T {
  return printResult(ctx, record, (value) => renderRecord(value as Record<string, unknown>, keys));
}

/** A log or diff: `json` (which holds it) with --json, else the text, or `emptyText` when it is blank. */
export function printTextBody(ctx: CommandContext, text: string, json: object, emptyText: string): void {
  if (ctx.json) ctx.printJson(json);
  else ctx.print(text.trim() === '' ? emptyText : asBlock(text));
}
