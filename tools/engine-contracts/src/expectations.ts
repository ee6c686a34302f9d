import type { EngineOutcome } from '@tasksgodzilla/platform-engines';
import type { PinnedCli } from './pinned-versions.js';

/** What each pinned CLI does where the CLIs differ (see the README's scenario table). */
export interface CliExpectations {
  /** The CLI names the model it used in its stream (so EngineResult.model is that model). */
  reportsModel: boolean;
  /** The CLI puts the output schema into its model request (native structured output). */
  schemaInRequest: boolean;
  /** Outcome of a read-only run whose model tries to write a file with the shell tool. */
  readOnlyWriteOutcome: EngineOutcome;
  /** The CLI still offers its shell tool to the model in a read-only run. */
  readOnlyOffersShell: boolean;
  http401Reason: RegExp;
  http500Reason: RegExp;
  /** Extra env of the HTTP 500 run (Claude Code: fewer retries, so the run ends in seconds). */
  http500Env: Record<string, string>;
}

export const EXPECTED: Readonly<Record<PinnedCli['engineId'], CliExpectations>> = {
  codex: {
    reportsModel: false,
    schemaInRequest: true,
    // The command runs inside Codex's read-only sandbox, fails to write, and the turn completes.
    readOnlyWriteOutcome: 'succeeded',
    readOnlyOffersShell: true,
    http401Reason: /401 Unauthorized: invalid x-api-key \(contract\)/,
    // Codex replaces a 5xx body with its own message.
    http500Reason: /high demand|500|upstream exploded/,
    http500Env: {},
  },
  'claude-code': {
    reportsModel: true,
    schemaInRequest: true,
    // Bash is offered but not pre-approved; dontAsk denies it and the result lists the denial.
    readOnlyWriteOutcome: 'permission_denied',
    readOnlyOffersShell: true,
    http401Reason: /API error 401/,
    http500Reason: /500|upstream exploded/,
    http500Env: { CLAUDE_CODE_MAX_RETRIES: '1' },
  },
  opencode: {
    reportsModel: false,
    schemaInRequest: false,
    // Denied tools (bash, edit, write) are not offered to the model at all, so nothing is attempted.
    readOnlyWriteOutcome: 'succeeded',
    readOnlyOffersShell: false,
    http401Reason: /invalid x-api-key \(contract\)/,
    http500Reason: /upstream exploded \(contract\)/,
    http500Env: {},
  },
};
