export { CLI_VERSION, buildProgram, listCommands, runCli } from './cli.js';
export {
  CommandFailedError,
  EXIT_OK,
  EXIT_RUNTIME,
  EXIT_USAGE,
  UsageError,
  exitCodeFor,
  formatError,
} from './cli.errors.js';
export type { CliDefaults, CliDeps, CliIo, CommandContext, GlobalOptions } from './cli.types.js';
export { addGlobalOptions, resolveGlobals, withoutGlobalOptions } from './global-options.js';
export {
  asBlock,
  cell,
  formatDuration,
  formatEventLine,
  formatTs,
  formatUsd,
  newestFirst,
  renderCodexRuns,
  renderEvents,
  renderJobs,
  renderOnboarding,
  renderProtocolSpec,
  renderQueueStats,
  renderRecord,
  renderSteps,
  renderTable,
  renderUsage,
  shortHash,
  truncate,
} from './format.js';
export { waitForProtocol } from './commands/protocols.command.js';
export type { WaitOptions } from './commands/protocols.command.js';
