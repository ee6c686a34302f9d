import { createClient } from '@tasksgodzilla/client';
import type { Command } from 'commander';
import type { CliDeps, CommandContext } from './cli.types.js';
import { resolveGlobals } from './global-options.js';
import { terminalSafe } from './terminal-text.js';

/** Builds the context of one command from its parsed options (globals included). */
export type ContextFactory = (command: Command) => CommandContext;

export function createContextFactory(deps: CliDeps): ContextFactory {
  return (command) => {
    const globals = resolveGlobals(command.optsWithGlobals(), deps.defaults);
    const client = createClient({
      baseUrl: globals.apiBase,
      token: globals.token,
      projectToken: globals.projectToken,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    const { stdout, stderr } = deps.io;
    return {
      client,
      globals,
      json: globals.json,
      // Human output never passes control characters through (names and messages come from the api).
      print: (text) => void stdout.write(`${terminalSafe(text)}\n`),
      printJson: (value) => void stdout.write(`${JSON.stringify(value, null, 2)}\n`),
      printJsonLine: (value) => void stdout.write(`${JSON.stringify(value)}\n`),
      note: (text, always = false) => {
        if (always || globals.verbose) stderr.write(`${terminalSafe(text)}\n`);
      },
      interruptSignal: () => {
        const controller = new AbortController();
        const dispose = deps.onInterrupt ? deps.onInterrupt(() => controller.abort()) : () => undefined;
        return { signal: controller.signal, dispose };
      },
      now: deps.now ?? Date.now,
    };
  };
}

type ActionArgs = unknown[];

/**
 * Wraps a command action: commander passes `(...operands, options, command)`; the handler gets the
 * context first, then the operands and options.
 */
export function withContext<A extends ActionArgs>(
  factory: ContextFactory,
  handler: (ctx: CommandContext, ...args: A) => Promise<unknown>,
) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args[args.length - 1] as Command;
    await handler(factory(command), ...(args.slice(0, -1) as A));
  };
}
