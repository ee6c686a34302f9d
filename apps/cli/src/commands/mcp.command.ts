import type { Command } from 'commander';
import { CommandFailedError } from '../cli.errors.js';
import type { CliIo, CommandContext } from '../cli.types.js';
import type { ContextFactory } from '../context.js';
import { registerCommands } from './command-helpers.js';

/** Serves MCP on the process's stdin/stdout over the command's client until the input ends or Ctrl-C. */
export async function serveMcp(ctx: CommandContext, io: CliIo): Promise<void> {
  if (!io.stdin) throw new CommandFailedError('tgz mcp needs a standard input to read MCP requests from');
  // Loaded on demand: the MCP SDK stays out of every other command's start-up.
  const { serveMcpStdio } = await import('@tasksgodzilla/mcp');
  ctx.note(`tgz mcp: serving the Model Context Protocol on stdio over ${ctx.globals.apiBase}`, true);
  const { signal, dispose } = ctx.interruptSignal();
  try {
    // stdout carries JSON-RPC only from here on; notes go to stderr.
    await serveMcpStdio({ client: ctx.client, stdin: io.stdin, stdout: io.stdout as NodeJS.WritableStream, signal });
  } finally {
    dispose();
  }
}

export function registerMcpCommand(program: Command, ctxOf: ContextFactory, io: CliIo): void {
  registerCommands(program, ctxOf, [
    {
      name: 'mcp',
      description:
        'serve the Model Context Protocol over stdio (for Claude Code, Codex and other MCP clients): tools for projects, runs, steps and events',
      examples: [
        'claude mcp add tasksgodzilla -- tgz mcp',
        'tgz mcp --api-base http://127.0.0.1:8010 --token "$TASKSGODZILLA_API_TOKEN"',
      ],
      run: (ctx) => serveMcp(ctx, io),
    },
  ]);
}
