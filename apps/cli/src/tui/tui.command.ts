import type { Command } from 'commander';
import { CommandFailedError } from '../cli.errors.js';
import type { CliIo } from '../cli.types.js';
import { registerCommands } from '../commands/command-helpers.js';
import type { ContextFactory } from '../context.js';

/** `tgz tui`: the full-screen dashboard over the same client, live over the event stream. */
export function registerTuiCommand(program: Command, ctxOf: ContextFactory, io: CliIo): void {
  registerCommands(program, ctxOf, [
    {
      name: 'tui',
      description:
        'full-screen terminal dashboard: projects, protocols, steps, events, queues; live over the event stream (press ? for keys)',
      examples: ['tgz tui', 'tgz tui --api-base http://127.0.0.1:8010 --token "$TASKSGODZILLA_API_TOKEN"'],
      run: async (ctx) => {
        const { stdin, stdout } = io;
        if (!stdin?.isTTY || !stdout.isTTY) {
          throw new CommandFailedError(
            'the TUI needs an interactive terminal (stdin and stdout must be TTYs); in scripts use the other tgz commands',
          );
        }
        // Loaded on demand: ink and react stay out of every other command's start-up.
        const { runTui } = await import('./run-tui.js');
        await runTui({
          settings: { apiBase: ctx.globals.apiBase, token: ctx.globals.token, projectToken: ctx.globals.projectToken },
          // Only process streams are TTYs (checked above).
          stdin: stdin as NodeJS.ReadStream,
          stdout: stdout as NodeJS.WriteStream,
        });
      },
    },
  ]);
}
