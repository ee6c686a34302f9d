import { formatExecFeedback, type ExecFeedback } from './exec-feedback.js';
import type { PromptVars } from './prompt.types.js';

/** Shown where an optional input is absent, so the agent sees "nothing" rather than a blank. */
const NONE = '(none)';

function orNone(value: string | null | undefined): string {
  return value === null || value === undefined || value.trim() === '' ? NONE : value;
}

/**
 * Protocol number and task short name from `NNNN-task-name`: the text before and after the first
 * `-`. A name without `-` has no number and is its own short name (the original crashed on it).
 */
export function splitProtocolName(protocolName: string): { number: string; shortName: string } {
  const dash = protocolName.indexOf('-');
  if (dash < 0) return { number: NONE, shortName: protocolName };
  return { number: protocolName.slice(0, dash) || NONE, shortName: protocolName.slice(dash + 1) || protocolName };
}

export interface PlanningPromptInput {
  protocolName: string;
  description?: string | null;
  projectName?: string | null;
  /** The repository root (PROJECT_ROOT). */
  projectRoot: string;
  /** The protocol's worktree (WORKTREE_ROOT). */
  worktreeRoot: string;
  /** Example plan/step templates appended for guidance; PromptService reads the project's protocol-new prompt when absent. */
  referenceTemplates?: string | null;
  /** Summary of onboarding's discovery notes; PromptService reads it from the checkout when absent. */
  discoverySummary?: string | null;
}

export function planningPromptVars(input: PlanningPromptInput): PromptVars {
  const { number, shortName } = splitProtocolName(input.protocolName);
  return {
    protocol_name: input.protocolName,
    protocol_number: number,
    task_short_name: shortName,
    project_name: orNone(input.projectName),
    project_root: input.projectRoot,
    worktree_root: input.worktreeRoot,
    description: orNone(input.description),
    reference_templates: orNone(input.referenceTemplates),
    discovery_summary: orNone(input.discoverySummary),
  };
}

export interface DecomposePromptInput {
  protocolName: string;
  plan: string;
  stepFilename: string;
  stepContent: string;
  /** The protocol's worktree: where the project's own prompt files are looked up. */
  workspaceRoot?: string | null;
}

export function decomposePromptVars(input: DecomposePromptInput): PromptVars {
  return {
    protocol_name: input.protocolName,
    protocol_number: splitProtocolName(input.protocolName).number,
    step_filename: input.stepFilename,
    plan: orNone(input.plan),
    step_content: input.stepContent,
  };
}

export interface ExecPromptInput {
  protocolName: string;
  stepFilename: string;
  stepContent: string;
  plan: string;
  context?: string | null;
  workspaceRoot: string;
  protocolRoot: string;
  /** Where the final message is saved (informational for the agent). */
  outputs?: { protocol?: string | null; aux?: Record<string, string> } | null;
  /** The project's main checkout: a second place for its prompt files and discovery notes. */
  projectRoot?: string | null;
  /** Summary of onboarding's discovery notes; PromptService reads it from the checkouts when absent. */
  discoverySummary?: string | null;
  /** Evidence of the previous attempt: rendered as the "What went wrong last time" section (absent on a first run). */
  feedback?: ExecFeedback | null;
  /** Cap of that section in characters (default DEFAULT_FEEDBACK_MAX_CHARS). */
  feedbackMaxChars?: number;
}

export function execPromptVars(input: ExecPromptInput): PromptVars {
  const targets = [input.outputs?.protocol, ...Object.values(input.outputs?.aux ?? {})].filter((path): path is string =>
    Boolean(path),
  );
  const feedbackSection = formatExecFeedback(input.feedback, input.feedbackMaxChars);
  const outputsNote =
    targets.length > 0
      ? `\n- Your final message is saved to ${targets.join(', ')}; do not write those files yourself.`
      : '';
  return {
    protocol_name: input.protocolName,
    step_filename: input.stepFilename,
    step_content: input.stepContent,
    plan: orNone(input.plan),
    context: orNone(input.context),
    workspace_root: input.workspaceRoot,
    protocol_root: input.protocolRoot,
    outputs_note: outputsNote,
    feedback: feedbackSection ? `\n\n${feedbackSection}` : '',
    discovery_summary: orNone(input.discoverySummary),
  };
}

/** A check command, with its result once the orchestrator has run it. */
export interface QaCheck {
  command: string;
  exit_code?: number | null;
  /** Combined output (tail). */
  output?: string | null;
  timed_out?: boolean;
}

export interface QaPromptInput {
  protocolName: string;
  stepFilename: string;
  stepContent: string;
  /** The protocol's worktree: where the project's own prompt files are looked up. */
  workspaceRoot?: string | null;
  plan?: string | null;
  context?: string | null;
  log?: string | null;
  /** The execution's summary / final message. */
  summary?: string | null;
  diff?: string | null;
  gitStatus?: string | null;
  lastCommit?: string | null;
  checks?: readonly (string | QaCheck)[] | null;
  /** Light QA: ask for a brief review focused on must-fix issues. */
  light?: boolean;
  /** Project-specific QA instructions (e.g. the text of a spec's `qa.prompt` file), placed first. */
  instructions?: string | null;
  /** Longest diff/output included, in characters (default 60,000 for the diff, 4,000 per check output). */
  maxDiffChars?: number;
  maxCheckOutputChars?: number;
}

function truncate(text: string, max: number, what: string): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n… (${what} truncated: ${text.length - max} more characters)`;
}

function tail(text: string, max: number): string {
  return text.length <= max ? text : `… (${text.length - max} earlier characters omitted)\n${text.slice(-max)}`;
}

/** Checks as a Markdown list: each command with its exit code and output tail, or "not run". */
export function formatChecks(checks: readonly (string | QaCheck)[] | null | undefined, maxOutput = 4000): string {
  if (!checks || checks.length === 0) return '(no checks declared)';
  return checks
    .map((entry) => {
      const check: QaCheck = typeof entry === 'string' ? { command: entry } : entry;
      let status: string;
      if (check.timed_out) status = 'TIMED OUT (blocking)';
      else if (check.exit_code === undefined || check.exit_code === null) status = 'not run';
      else status = check.exit_code === 0 ? 'exit 0 (passed)' : `exit ${check.exit_code} (FAILED, blocking)`;
      const output =
        check.output && check.output.trim() !== ''
          ? `\n\n  \`\`\`\n${tail(check.output.trimEnd(), maxOutput).replace(/^/gm, '  ')}\n  \`\`\``
          : '';
      return `- \`${check.command}\`: ${status}${output}`;
    })
    .join('\n');
}

export function qaPromptVars(input: QaPromptInput): PromptVars {
  const instructions =
    input.instructions && input.instructions.trim() !== '' ? `${input.instructions.trimEnd()}\n\n` : '';
  return {
    instructions,
    protocol_name: input.protocolName,
    step_filename: input.stepFilename,
    step_content: input.stepContent,
    plan: orNone(input.plan),
    context: orNone(input.context),
    log: orNone(input.log),
    summary: orNone(input.summary),
    diff:
      input.diff && input.diff.trim() !== ''
        ? truncate(input.diff, input.maxDiffChars ?? 60_000, 'diff')
        : '(no changes)',
    git_status:
      input.gitStatus === undefined || input.gitStatus === null
        ? '(not available)'
        : input.gitStatus.trim() === ''
          ? '(clean)'
          : input.gitStatus,
    last_commit: orNone(input.lastCommit),
    checks: formatChecks(input.checks, input.maxCheckOutputChars),
    light_note: input.light ? '\nKeep this QA brief: report must-fix issues only.' : '',
  };
}

export interface DiscoveryPromptInput {
  projectName: string;
  repoRoot: string;
  /** Folder (relative to the repository) the notes go into; default `tasksgodzilla`. */
  outputDir?: string;
}

export function discoveryPromptVars(input: DiscoveryPromptInput): PromptVars {
  return { project_name: input.projectName, repo_root: input.repoRoot, output_dir: input.outputDir ?? 'tasksgodzilla' };
}
