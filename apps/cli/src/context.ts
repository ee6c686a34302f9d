import { createClient } from '@tasksgodzilla/client';
import type { Command } from 'commander';
import { UsageError } from './cli.errors.js';
import type { CliDeps, CommandContext, GlobalOptions, LocalServer } from './cli.types.js';
import { resolveGlobals } from './global-options.js';
import { terminalSafe } from './terminal-text.js';

/** A command's context and what ends it (the local mode, when this command started it). */
export interface OpenedContext extends CommandContext {
  close(): Promise<void>;
}

/** What a command says about itself when its context is opened. */
export interface ContextNeeds {
  /** False: the command talks to no api (no local mode is started, the context has no client). Default true. */
  needsApi?: boolean;
}

/** Builds the context of one command from its parsed options (globals included). */
export type ContextFactory = (command: Command, needs?: ContextNeeds) => Promise<OpenedContext>;

/**
 * Opens the context of `opts` (parsed global options): starts the local mode when no api is
 * configured, unless the command needs no api.
 */
export async function openContext(
  deps: CliDeps,
  opts: Record<string, unknown>,
  needs: ContextNeeds = {},
): Promise<OpenedContext> {
  const needsApi = needs.needsApi ?? true;
  const cwd = deps.cwd ?? (() => process.cwd());
  const resolved = resolveGlobals(opts, deps.defaults, cwd);
  let local: Promise<LocalServer> | null = null;
  const startLocal = (): Promise<LocalServer> => {
    if (!deps.startLocal)
      return Promise.reject(new UsageError('no api configured: pass --api-base <url> or set TASKSGODZILLA_API_BASE'));
    local ??= deps.startLocal({
      verbose: resolved.verbose,
      ...(resolved.dataDir ? { dataDir: resolved.dataDir } : {}),
    });
    return local;
  };
  let globals: GlobalOptions = resolved;
  if (resolved.local && needsApi) {
    const server = await startLocal();
    globals = { ...resolved, apiBase: server.url, token: server.token };
  }
  const client = createClient({
    baseUrl: globals.apiBase || 'http://127.0.0.1:8010',
    token: globals.token,
    projectToken: globals.projectToken,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const { stdout, stderr } = deps.io;
  const context: OpenedContext = {
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
    cwd,
    local: startLocal,
    triggerCi: (input) =>
      deps.triggerCi ? deps.triggerCi(input) : Promise.reject(new UsageError('tgz ci trigger is not available here')),
    initRepository: (input) =>
      deps.initRepository
        ? deps.initRepository(input)
        : Promise.reject(new UsageError('--init-if-needed is not available here')),
    close: async () => {
      if (local) await (await local).close();
    },
  };
  if (!needsApi) {
    // A command that declared it needs no api must not reach one by accident.
    Object.defineProperty(context, 'client', {
      get: () => {
        throw new Error('this command declared it needs no api (needsApi: false) but used the client');
      },
    });
  }
  return context;
}

export function createContextFactory(deps: CliDeps): ContextFactory {
  return (command, needs) => openContext(deps, command.optsWithGlobals(), needs);
}

type ActionArgs = unknown[];

/**
 * Wraps a command action: commander passes `(...operands, options, command)`; the handler gets the
 * context first, then the operands and options. The context (and a local mode it started) is closed
 * when the handler ends, however it ends.
 */
export function withContext<A extends ActionArgs>(
  factory: ContextFactory,
  handler: (ctx: CommandContext, ...args: A) => Promise<unknown>,
  needs: ContextNeeds = {},
) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args[args.length - 1] as Command;
    const ctx = await factory(command, needs);
    try {
      await handler(ctx, ...(args.slice(0, -1) as A));
    } finally {
      await ctx.close();
    }
  };
}
