import type { CliEngineOptions, CliInvocation, CliInvocationInput } from '../cli-engine.js';
import type { Engine, EngineSandbox } from '../engine.types.js';
import { createAdapterEngine, type CliAdapter } from './cli-adapter.js';
import { createOpencodeStreamParser, type OpencodeStreamOptions } from './opencode.stream.js';

export const OPENCODE_ENGINE_ID = 'opencode';

// Longest prompt passed as an argument; longer ones go through an attached file (Linux caps one
// argument at 128 KiB).
const MAX_PROMPT_ARG_CHARS = 100_000;

type PermissionRule = 'allow' | 'deny';

/**
 * The `permission` block shipped in OPENCODE_CONFIG_CONTENT per sandbox. No rule is ever `ask`, so a
 * run cannot hang on a prompt nobody answers.
 */
export function opencodePermissions(sandbox: EngineSandbox): Record<string, PermissionRule> {
  switch (sandbox) {
    case 'read-only':
      return { edit: 'deny', bash: 'deny', webfetch: 'allow', doom_loop: 'deny', external_directory: 'deny' };
    case 'workspace-write':
      return { edit: 'allow', bash: 'allow', webfetch: 'allow', doom_loop: 'deny', external_directory: 'deny' };
    case 'danger-full-access':
      return { edit: 'allow', bash: 'allow', webfetch: 'allow', doom_loop: 'allow', external_directory: 'allow' };
  }
}

export interface OpencodeEngineOptions extends CliEngineOptions, OpencodeStreamOptions {
  /** `--agent <name>` (primary agents only). */
  agent?: string;
}

/**
 * `opencode run --format json --print-logs --log-level ERROR --dir <dir> [--model provider/model]
 * [--agent A] [--session <id>] <prompt> [--file <prompt.md>]`, with OPENCODE_CONFIG_CONTENT carrying explicit
 * allow/deny permissions for the sandbox.
 */
export function buildOpencodeInvocation(input: CliInvocationInput, options: OpencodeEngineOptions = {}): CliInvocation {
  const { request, sandbox, model, prompt } = input;
  // --print-logs --log-level ERROR: opencode retries provider errors silently on stdout; its error
  // logs on stderr are the only sign of them (read by the stream parser).
  const args = ['run', '--format', 'json', '--print-logs', '--log-level', 'ERROR', '--dir', request.workingDir];
  if (model) args.push('--model', model);
  if (options.agent) args.push('--agent', options.agent);
  if (request.resumeSessionId) args.push('--session', request.resumeSessionId);
  const long = prompt.length > MAX_PROMPT_ARG_CHARS;
  const message = long ? 'Follow the instructions in the attached file prompt.md.' : prompt;
  // A leading dash would be read as a flag.
  args.push(message.startsWith('-') ? ` ${message}` : message);
  // `--file` takes a list: anything after it would be read as another file, so it comes last.
  if (long) args.push('--file', input.writeTempFile('prompt.md', prompt));
  const config = { permission: opencodePermissions(sandbox) };
  return { args, stdin: null, env: { OPENCODE_CONFIG_CONTENT: JSON.stringify(config) } };
}

const OPENCODE_ADAPTER: CliAdapter<OpencodeEngineOptions> = {
  id: OPENCODE_ENGINE_ID,
  displayName: 'opencode',
  defaultBinary: 'opencode',
  capabilities: {
    structuredOutput: false,
    budgetCap: false,
    reportsCost: true,
    resume: true,
    usageIsCumulative: false,
  },
  buildInvocation: buildOpencodeInvocation,
  createParser: (options) =>
    createOpencodeStreamParser({
      requireDoneEvent: options.requireDoneEvent,
      maxProviderErrors: options.maxProviderErrors,
    }),
};

/** The opencode adapter (`opencode run --format json`). */
export function createOpencodeEngine(options: OpencodeEngineOptions = {}): Engine {
  return createAdapterEngine(OPENCODE_ADAPTER, options);
}
