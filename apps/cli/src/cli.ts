import { Command, CommanderError } from 'commander';
import { EXIT_OK, EXIT_USAGE, exitCodeFor, formatError } from './cli.errors.js';
import type { CliDeps } from './cli.types.js';
import { registerCodeMachineCommands } from './commands/codemachine.command.js';
import { registerCodexRunsCommands } from './commands/codex-runs.command.js';
import { registerEventsCommands } from './commands/events.command.js';
import { registerHealthCommand } from './commands/health.command.js';
import { registerLocalCommands } from './commands/local.command.js';
import { registerMcpCommand } from './commands/mcp.command.js';
import { registerProjectsCommands } from './commands/projects.command.js';
import { registerProtocolsCommands } from './commands/protocols.command.js';
import { registerQueuesCommands } from './commands/queues.command.js';
import { registerSpecCommands } from './commands/spec.command.js';
import { registerStepsCommands } from './commands/steps.command.js';
import { registerWebhooksCommands } from './commands/webhooks.command.js';
import { createContextFactory, openContext } from './context.js';
import { addGlobalOptions, resolveGlobals, withoutGlobalOptions } from './global-options.js';
import { runInteractiveMenu } from './interactive-menu.js';
import { registerTuiCommand } from './tui/tui.command.js';

export const CLI_VERSION = '0.1.0';

const ROOT_HELP = `
Run without a command on a terminal for an interactive menu.
Global options work before or after the command: \`tgz --json projects list\` = \`tgz projects list --json\`.

Exit codes: 0 ok, 1 runtime or api error (404, 409, api unreachable, run ended badly),
            2 usage or validation error (bad flag, missing argument, 400/422 from the api).

Examples:
  $ tgz projects create --name demo --git-url /srv/git/demo.git
  $ tgz protocols create --project 1 --name 0001-demo --template ./my-template --auto-advance --start
  $ tgz protocols wait 2 --timeout 600
  $ tgz events watch --protocol 2
  $ TASKSGODZILLA_API_BASE=http://127.0.0.1:8010 tgz queues stats --json
`;

/** The whole command tree, with output going to `deps.io` and errors thrown (never process.exit). */
export function buildProgram(deps: CliDeps): Command {
  const program = new Command('tgz');
  program
    .description('TasksGodzilla command line: projects, protocol runs, steps, events, queues over the api')
    .version(CLI_VERSION, '-V, --version', 'print the tgz version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void deps.io.stdout.write(text),
      writeErr: (text) => void deps.io.stderr.write(text),
    })
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showSuggestionAfterError(true)
    .helpCommand('help [command]', 'show help for a command');
  addGlobalOptions(program);
  program.addHelpText('after', ROOT_HELP);

  const ctxOf = createContextFactory(deps);
  registerLocalCommands(program, ctxOf);
  registerProjectsCommands(program, ctxOf);
  registerWebhooksCommands(program, ctxOf);
  registerProtocolsCommands(program, ctxOf);
  registerStepsCommands(program, ctxOf);
  registerEventsCommands(program, ctxOf);
  registerQueuesCommands(program, ctxOf);
  registerCodeMachineCommands(program, ctxOf);
  registerSpecCommands(program, ctxOf);
  registerCodexRunsCommands(program, ctxOf);
  registerHealthCommand(program, ctxOf);
  registerTuiCommand(program, ctxOf, deps.io);
  registerMcpCommand(program, ctxOf, deps.io);
  return program;
}

/** Every command of the tree with its full name (`protocols wait`), depth first. */
export function listCommands(program: Command): { name: string; command: Command }[] {
  const out: { name: string; command: Command }[] = [];
  const walk = (command: Command, prefix: string) => {
    for (const sub of command.commands) {
      const name = prefix ? `${prefix} ${sub.name()}` : sub.name();
      out.push({ name, command: sub });
      walk(sub, name);
    }
  };
  walk(program, '');
  return out;
}

/** No command given: the interactive menu on a terminal, else the help on stderr and exit 2. */
async function runWithoutCommand(argv: readonly string[], deps: CliDeps): Promise<number> {
  const program = buildProgram(deps);
  program.parseOptions([...argv]);
  const globals = resolveGlobals(program.opts(), deps.defaults, deps.cwd);
  const interactive = Boolean(deps.io.stdin?.isTTY && deps.io.stdout.isTTY) && !globals.json;
  if (!interactive) {
    deps.io.stderr.write(program.helpInformation());
    deps.io.stderr.write('\nerror: no command given (the interactive menu needs a terminal)\n');
    return EXIT_USAGE;
  }
  const ctx = await openContext(deps, program.opts());
  try {
    return await runInteractiveMenu(ctx, deps.io);
  } finally {
    await ctx.close();
  }
}

/**
 * Runs one command line (without `node tgz`) and returns the exit code: 0 ok, 1 runtime or api
 * error, 2 usage or validation error. Errors are printed on stderr as `error: …`.
 */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const verbose = argv.includes('--verbose');
  try {
    if (withoutGlobalOptions(argv).length === 0) return await runWithoutCommand(argv, deps);
    await buildProgram(deps).parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    // Commander already printed its own message (usage errors, help, version).
    if (!(error instanceof CommanderError)) deps.io.stderr.write(`${formatError(error, verbose)}\n`);
    return exitCodeFor(error);
  }
}
