import type { CliEngineOptions, CliInvocation, CliInvocationInput } from '../cli-engine.js';
import type { Engine } from '../engine.types.js';
import { createAdapterEngine, type CliAdapter } from './cli-adapter.js';
import { createCodexStreamParser } from './codex.stream.js';

export const CODEX_ENGINE_ID = 'codex';

export type CodexEngineOptions = CliEngineOptions;

/**
 * `codex exec --json --skip-git-repo-check --cd <dir> --sandbox <sandbox> [--model M]
 * -c approval_policy="never" [--add-dir D]… [--output-schema <file>] [resume <session id>] -`,
 * prompt on stdin.
 * The sandbox flag is never combined with the bypass flag, so `read-only` really is read-only.
 */
export function buildCodexInvocation(input: CliInvocationInput): CliInvocation {
  const { request, sandbox, model, prompt } = input;
  const args = ['exec', '--json', '--skip-git-repo-check', '--cd', request.workingDir, '--sandbox', sandbox];
  if (model) args.push('--model', model);
  args.push('-c', 'approval_policy="never"');
  for (const dir of request.addDirs ?? []) args.push('--add-dir', dir);
  if (request.outputSchema) {
    args.push('--output-schema', input.writeTempFile('output-schema.json', JSON.stringify(request.outputSchema)));
  }
  // The exec options above apply to the resumed session too (`codex exec [OPTIONS] resume <id> -`).
  if (request.resumeSessionId) args.push('resume', request.resumeSessionId);
  args.push('-');
  return { args, stdin: prompt };
}

const CODEX_ADAPTER: CliAdapter<CodexEngineOptions> = {
  id: CODEX_ENGINE_ID,
  displayName: 'Codex CLI',
  defaultBinary: 'codex',
  capabilities: { structuredOutput: true, budgetCap: false, reportsCost: false, resume: true, usageIsCumulative: true },
  buildInvocation: buildCodexInvocation,
  createParser: createCodexStreamParser,
};

/** The Codex CLI adapter (`codex exec --json`). */
export function createCodexEngine(options: CodexEngineOptions = {}): Engine {
  return createAdapterEngine(CODEX_ADAPTER, options);
}
