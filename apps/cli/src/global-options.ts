import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from './cli.errors.js';
import type { CliDefaults, GlobalOptions } from './cli.types.js';

/**
 * The global options. They live on the root command; commander recognises a root option anywhere in
 * the command line (`tgz --json projects list` and `tgz projects list --json` are the same).
 */
export function addGlobalOptions(program: Command): Command {
  return program
    .addOption(
      new Option(
        '--api-base <url>',
        'api base URL (env TASKSGODZILLA_API_BASE); without one, tgz runs the runtime and api in its own process (local mode)',
      ).helpGroup('Global Options:'),
    )
    .addOption(new Option('--api <url>', 'the same as --api-base').helpGroup('Global Options:'))
    .addOption(
      new Option(
        '--data-dir <dir>',
        'local mode: database, logs and worktrees (env TASKSGODZILLA_DATA_DIR, default $XDG_DATA_HOME/tasksgodzilla or ~/.local/share/tasksgodzilla)',
      ).helpGroup('Global Options:'),
    )
    .addOption(
      new Option('--token <token>', 'bearer token sent as Authorization (env TASKSGODZILLA_API_TOKEN)').helpGroup(
        'Global Options:',
      ),
    )
    .addOption(
      new Option(
        '--project-token <token>',
        'per-project token sent as X-Project-Token (env TASKSGODZILLA_PROJECT_TOKEN)',
      ).helpGroup('Global Options:'),
    )
    .addOption(new Option('--json', 'print machine-readable JSON on stdout').helpGroup('Global Options:'))
    .addOption(
      new Option('--verbose', 'more detail on stderr (request ids, urls, causes, progress)').helpGroup(
        'Global Options:',
      ),
    );
}

/** The global option names with a value, for scanning a raw argv. */
const VALUE_OPTIONS = ['--api-base', '--api', '--data-dir', '--token', '--project-token'];
const FLAG_OPTIONS = ['--json', '--verbose'];

/** The argv without global options (and their values), to tell whether a subcommand was given. */
export function withoutGlobalOptions(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (FLAG_OPTIONS.includes(arg)) continue;
    if (VALUE_OPTIONS.includes(arg)) {
      i++;
      continue;
    }
    if (VALUE_OPTIONS.some((name) => arg.startsWith(`${name}=`))) continue;
    out.push(arg);
  }
  return out;
}

/**
 * Merges parsed options with the environment defaults and checks the api base. No api base at all
 * (no flag, no TASKSGODZILLA_API_BASE) means local mode: `local` true, `apiBase` empty until started.
 */
export function resolveGlobals(
  opts: Record<string, unknown>,
  defaults: CliDefaults,
  cwd: () => string = () => process.cwd(),
): GlobalOptions {
  const flagged = [opts['api'], opts['apiBase']].find((v): v is string => typeof v === 'string');
  const apiBase = flagged ?? defaults.apiBase;
  const dataDir =
    typeof opts['dataDir'] === 'string' && opts['dataDir'] !== '' ? resolve(cwd(), opts['dataDir']) : undefined;
  const text = (value: unknown, fallback: string | undefined) =>
    typeof value === 'string' && value !== '' ? value : fallback;
  const json = opts['json'] === true;
  const verbose = opts['verbose'] === true;
  if (apiBase === undefined) {
    return { apiBase: '', local: true, dataDir, token: undefined, projectToken: undefined, json, verbose };
  }
  let url: URL;
  try {
    url = new URL(apiBase);
  } catch {
    throw new UsageError(`--api-base must be an http(s) URL, got "${apiBase}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--api-base must be an http(s) URL, got "${apiBase}"`);
  return {
    apiBase,
    local: false,
    dataDir,
    token: text(opts['token'], defaults.token),
    projectToken: text(opts['projectToken'], defaults.projectToken),
    json,
    verbose,
  };
}
