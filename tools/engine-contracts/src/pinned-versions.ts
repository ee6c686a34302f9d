/**
 * The real CLI versions the contract suite runs. Bumping one is a one-line change here; the suite
 * then says, scenario by scenario, what the new version does differently.
 */
export const CODEX_VERSION = '0.171.0';
export const CLAUDE_CODE_VERSION = '2.1.332';
export const OPENCODE_VERSION = '1.18.33';

export interface PinnedCli {
  /** platform-engines engine id */
  engineId: 'codex' | 'claude-code' | 'opencode';
  /** npm package */
  packageName: string;
  version: string;
  /** executable in node_modules/.bin */
  bin: string;
}

export const PINNED_CLIS: readonly PinnedCli[] = [
  { engineId: 'codex', packageName: '@openai/codex', version: CODEX_VERSION, bin: 'codex' },
  { engineId: 'claude-code', packageName: '@anthropic-ai/claude-code', version: CLAUDE_CODE_VERSION, bin: 'claude' },
  { engineId: 'opencode', packageName: 'opencode-ai', version: OPENCODE_VERSION, bin: 'opencode' },
];
