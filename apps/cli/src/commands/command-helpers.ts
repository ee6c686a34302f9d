import type { ActionResponse, ListFn, PageParams } from '@tasksgodzilla/client';
import { collect } from '@tasksgodzilla/client';
import type { Command } from 'commander';
import type { CommandContext } from '../cli.types.js';
import { withContext, type ContextFactory } from '../context.js';
import { asBlock, renderRecord } from '../format.js';

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

/** A subcommand of a table: its arguments and options come from `define`, its action is `run`. */
export interface CommandSpec {
  name: string;
  alias?: string;
  description: string;
  examples: readonly string[];
  /** Adds the command's arguments and options. */
  define?: (command: Command) => Command;
  /** Gets the context, then the operands and options as commander parsed them. */
  run: (ctx: CommandContext, ...args: never[]) => Promise<unknown>;
}

/** Registers each of `specs` as a subcommand of `parent`. */
export function registerCommands(parent: Command, ctxOf: ContextFactory, specs: readonly CommandSpec[]): void {
  for (const spec of specs) {
    const command = parent.command(spec.name).description(spec.description);
    if (spec.alias) command.alias(spec.alias);
    examples(spec.define ? spec.define(command) : command, spec.examples).action(withContext(ctxOf, spec.run));
  }
}

/** A subcommand that takes one id argument and nothing else (`tgz steps show 5`). */
export interface IdCommandSpec<T = number> {
  name: string;
  alias?: string;
  description: string;
  examples: readonly string[];
  run: (ctx: CommandContext, id: T) => Promise<unknown>;
}

/** The id argument of an id command table: `<step-id>`, "step run id", and its parser (`parseId`). */
export interface IdArgument<T> {
  name: string;
  description: string;
  parse: (value: string) => T;
}

/** Registers `specs` under `parent`, each taking the id argument `argument`. */
export function registerIdCommands<T>(
  parent: Command,
  ctxOf: ContextFactory,
  argument: IdArgument<T>,
  specs: readonly IdCommandSpec<T>[],
): void {
  registerCommands(
    parent,
    ctxOf,
    specs.map((spec) => ({
      ...spec,
      define: (command: Command) => command.argument(argument.name, argument.description, argument.parse),
    })),
  );
}
