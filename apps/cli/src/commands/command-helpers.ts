import type { ListFn, PageParams } from '@tasksgodzilla/client';
import { collect } from '@tasksgodzilla/client';
import type { Argument, Command, Option } from 'commander';
import type { CommandContext } from '../cli.types.js';
import { withContext, type ContextFactory } from '../context.js';

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

/** A subcommand of a table: its arguments and options, and its action. */
export interface CommandSpec {
  name: string;
  alias?: string;
  description: string;
  examples: readonly string[];
  /** Operands, in order (`<project-id>`). */
  args?: readonly Argument[];
  options?: readonly Option[];
  /**
   * False: the command never talks to an api (`tgz ci trigger`), so no local mode is started for it
   * when none is configured, and its context has no client. Default true.
   */
  needsApi?: boolean;
  /** Gets the context, then the operands and options as commander parsed them. */
  run: (ctx: CommandContext, ...args: never[]) => Promise<unknown>;
}

/** Registers the command group `name` (`tgz steps …`) with each of `specs` as a subcommand. */
export function registerGroup(
  program: Command,
  ctxOf: ContextFactory,
  group: { name: string; description: string },
  specs: readonly CommandSpec[],
): void {
  registerCommands(program.command(group.name).description(group.description), ctxOf, specs);
}

/** Registers each of `specs` as a subcommand of `parent`. */
export function registerCommands(parent: Command, ctxOf: ContextFactory, specs: readonly CommandSpec[]): void {
  for (const spec of specs) {
    const command = parent.command(spec.name).description(spec.description);
    if (spec.alias) command.alias(spec.alias);
    for (const argument of spec.args ?? []) command.addArgument(argument);
    for (const option of spec.options ?? []) command.addOption(option);
    examples(command, spec.examples).action(withContext(ctxOf, spec.run, { needsApi: spec.needsApi ?? true }));
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

/** `specs` as subcommands that each take the one operand `argument` (`<step-id>`, "step run id", `parseId`). */
export function idCommands<T>(argument: Argument, specs: readonly IdCommandSpec<T>[]): CommandSpec[] {
  return specs.map((spec) => ({ ...spec, args: [argument] }));
}
