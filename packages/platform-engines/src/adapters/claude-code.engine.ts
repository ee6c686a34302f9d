import type { CliEngineOptions, CliInvocation, CliInvocationInput } from '../cli-engine.js';
import type { Engine } from '../engine.types.js';
import { createAdapterEngine, type CliAdapter } from './cli-adapter.js';
import { createClaudeCodeStreamParser } from './claude-code.stream.js';

export const CLAUDE_CODE_ENGINE_ID = 'claude-code';

/** Tools pre-approved in `read-only` runs (everything else is denied, never asked). */
export const CLAUDE_READ_ONLY_TOOLS: readonly string[] = ['Read', 'Glob', 'Grep'];
/** Tools pre-approved in `workspace-write` runs. */
export const CLAUDE_WORKSPACE_WRITE_TOOLS: readonly string[] = [
  ...CLAUDE_READ_ONLY_TOOLS,
  'Edit',
  'Write',
  'NotebookEdit',
  'Bash',
];
/** Tools pre-approved in `danger-full-access` runs as root, where Claude Code refuses `bypassPermissions`. */
export const CLAUDE_FULL_ACCESS_TOOLS: readonly string[] = [...CLAUDE_WORKSPACE_WRITE_TOOLS, 'WebFetch', 'WebSearch'];

export interface ClaudeCodeEngineOptions extends CliEngineOptions {
  /** Overrides CLAUDE_READ_ONLY_TOOLS. */
  readOnlyTools?: readonly string[];
  /** Overrides CLAUDE_WORKSPACE_WRITE_TOOLS. */
  workspaceWriteTools?: readonly string[];
  /** Overrides CLAUDE_FULL_ACCESS_TOOLS. */
  fullAccessTools?: readonly string[];
  /** Whether this process runs as root (default: `process.getuid() === 0`); tests set it. */
  runningAsRoot?: boolean;
}

function isRoot(options: ClaudeCodeEngineOptions): boolean {
  return options.runningAsRoot ?? process.getuid?.() === 0;
}

/**
 * `claude -p --output-format stream-json --verbose [--model M] --permission-mode dontAsk
 * --allowedTools <list> --disallowedTools AskUserQuestion [--add-dir D]… [--max-budget-usd X]
 * [--max-turns N] [--json-schema '<schema>'] [--resume <session id>]`, prompt on stdin. `dontAsk` denies whatever is not
 * pre-approved instead of asking, so a headless run never waits on a question;
 * `danger-full-access` is `--permission-mode bypassPermissions`, except as root (refused there by
 * Claude Code), where it is `dontAsk` with CLAUDE_FULL_ACCESS_TOOLS.
 */
export function buildClaudeCodeInvocation(
  input: CliInvocationInput,
  options: ClaudeCodeEngineOptions = {},
): CliInvocation {
  const { request, sandbox, model, prompt } = input;
  const args = ['-p', '--output-format', 'stream-json', '--verbose'];
  if (model) args.push('--model', model);
  if (sandbox === 'danger-full-access' && !isRoot(options)) {
    args.push('--permission-mode', 'bypassPermissions');
  } else {
    // As root Claude Code exits at once on bypassPermissions ("cannot be used with root/sudo
    // privileges"), so full access there is dontAsk with every built-in tool pre-approved.
    const tools =
      sandbox === 'read-only'
        ? (options.readOnlyTools ?? CLAUDE_READ_ONLY_TOOLS)
        : sandbox === 'workspace-write'
          ? (options.workspaceWriteTools ?? CLAUDE_WORKSPACE_WRITE_TOOLS)
          : (options.fullAccessTools ?? CLAUDE_FULL_ACCESS_TOOLS);
    args.push('--permission-mode', 'dontAsk', '--allowedTools', tools.join(','));
  }
  args.push('--disallowedTools', 'AskUserQuestion');
  for (const dir of request.addDirs ?? []) args.push('--add-dir', dir);
  if (request.maxBudgetUsd) args.push('--max-budget-usd', String(request.maxBudgetUsd));
  if (request.maxTurns) args.push('--max-turns', String(request.maxTurns));
  if (request.outputSchema) args.push('--json-schema', JSON.stringify(request.outputSchema));
  if (request.resumeSessionId) args.push('--resume', request.resumeSessionId);
  return { args, stdin: prompt };
}

const CLAUDE_CODE_ADAPTER: CliAdapter<ClaudeCodeEngineOptions> = {
  id: CLAUDE_CODE_ENGINE_ID,
  displayName: 'Claude Code',
  defaultBinary: 'claude',
  capabilities: { structuredOutput: true, budgetCap: true, reportsCost: true, resume: true, usageIsCumulative: false },
  buildInvocation: buildClaudeCodeInvocation,
  createParser: createClaudeCodeStreamParser,
};

/** The Claude Code adapter (`claude -p --output-format stream-json --verbose`). */
export function createClaudeCodeEngine(options: ClaudeCodeEngineOptions = {}): Engine {
  return createAdapterEngine(CLAUDE_CODE_ADAPTER, options);
}
