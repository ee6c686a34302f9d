/** A failing check as QA recorded it. */
export interface FeedbackCheck {
  command: string;
  exit_code: number | null;
  /** The tail of the command's output. */
  output_tail?: string | null;
  timed_out?: boolean;
}

/** A review comment on the run's PR/MR. */
export interface FeedbackReview {
  author: string | null;
  body: string;
  /** File and line the comment is on, when it is an inline comment. */
  path?: string | null;
  line?: number | null;
  state?: string | null;
  url?: string | null;
}

/**
 * What went wrong on the step's previous attempt, from the latest recorded evidence. The
 * orchestrator fills it; `formatExecFeedback` renders it, bounded.
 */
export interface ExecFeedback {
  /** This attempt's number (1 is the first execution). */
  attempt: number;
  /** What is left before the run stops trying by itself; null entries have no limit. */
  budget?: { reopens_left?: number | null; tokens_left?: number | null; cost_usd_left?: number | null } | null;
  /** The previous execution itself failed (engine outcome and reason). */
  execution?: { outcome: string; error: string | null } | null;
  qa?: { outcome: string; reason: string | null; failing_checks: FeedbackCheck[]; report_tail?: string | null } | null;
  ci?: {
    provider: string;
    job: string | null;
    conclusion: string | null;
    url: string | null;
    log_excerpt?: string | null;
  } | null;
  reviews?: FeedbackReview[] | null;
  /** The previous attempt asked a person (`NEEDS_INPUT:`) and this is their answer. */
  answer?: { question: string; answer: string } | null;
}

/** Default cap of the rendered section, in characters (Config.feedbackMaxChars overrides it). */
export const DEFAULT_FEEDBACK_MAX_CHARS = 6000;

function tailOf(text: string, max: number): string {
  const trimmed = text.trimEnd();
  return trimmed.length <= max
    ? trimmed
    : `… (${trimmed.length - max} earlier characters omitted)\n${trimmed.slice(-max)}`;
}

function headOf(text: string, max: number): string {
  const trimmed = text.trim();
  return trimmed.length <= max
    ? trimmed
    : `${trimmed.slice(0, max)}\n… (${trimmed.length - max} more characters omitted)`;
}

function fenced(text: string, max: number): string {
  return `\`\`\`\n${tailOf(text, max).replace(/```/g, "'''")}\n\`\`\``;
}

function budgetLine(feedback: ExecFeedback): string {
  const budget = feedback.budget ?? {};
  const parts: string[] = [];
  if (budget.reopens_left !== undefined && budget.reopens_left !== null)
    parts.push(`${budget.reopens_left} automatic re-attempt(s) left`);
  if (budget.tokens_left !== undefined && budget.tokens_left !== null)
    parts.push(`${budget.tokens_left} tokens left for this step`);
  if (budget.cost_usd_left !== undefined && budget.cost_usd_left !== null)
    parts.push(`$${budget.cost_usd_left.toFixed(2)} left for this step`);
  return parts.length > 0 ? `Budget: ${parts.join('; ')}.` : 'Budget: no limit configured.';
}

/** Whether there is anything to tell: some evidence, or a re-attempt at all. */
export function hasFeedback(feedback: ExecFeedback | null | undefined): feedback is ExecFeedback {
  if (!feedback) return false;
  return Boolean(
    feedback.execution ||
    feedback.qa ||
    feedback.ci ||
    feedback.answer ||
    (feedback.reviews && feedback.reviews.length > 0),
  );
}

/**
 * The "What went wrong last time" section: attempt and budget, the answer to the question the
 * previous attempt asked (first: it is what the agent waited for), the failed execution, the QA verdict
 * with each failing check (command, exit code, output tail), the CI failure (job, conclusion, URL,
 * log excerpt) and the review comments. Outputs are tails; the whole section is cut at `maxChars`.
 * Empty string when there is no evidence.
 */
export function formatExecFeedback(
  feedback: ExecFeedback | null | undefined,
  maxChars = DEFAULT_FEEDBACK_MAX_CHARS,
): string {
  if (!hasFeedback(feedback)) return '';
  const piece = Math.max(200, Math.floor(maxChars / 4));
  const lines: string[] = [
    '## What went wrong last time',
    '',
    `This is attempt ${feedback.attempt} of this step. ${budgetLine(feedback)}`,
  ];
  if (feedback.answer) {
    lines.push(
      '',
      '### You asked a person, and they answered',
      'Your question:',
      `> ${headOf(feedback.answer.question, piece).replace(/\n/g, '\n> ')}`,
      'Their answer (follow it):',
      fenced(headOf(feedback.answer.answer, Math.max(piece, Math.floor(maxChars / 2))), maxChars),
    );
  }
  if (feedback.execution) {
    lines.push(
      '',
      `### The previous execution ${feedback.execution.outcome}`,
      feedback.execution.error ? tailOf(feedback.execution.error, piece) : '(no reason given)',
    );
  }
  if (feedback.qa) {
    lines.push('', `### QA: ${feedback.qa.outcome}`);
    if (feedback.qa.reason) lines.push(tailOf(feedback.qa.reason, piece));
    for (const check of feedback.qa.failing_checks) {
      const how = check.timed_out ? 'timed out' : `exited ${check.exit_code ?? 'without an exit code'}`;
      lines.push(`- \`${check.command}\` ${how}`);
      if (check.output_tail && check.output_tail.trim() !== '') lines.push(fenced(check.output_tail, piece));
    }
    if (feedback.qa.failing_checks.length === 0 && feedback.qa.report_tail)
      lines.push('QA report (tail):', fenced(feedback.qa.report_tail, piece));
  }
  if (feedback.ci) {
    const { ci } = feedback;
    lines.push(
      '',
      `### CI failed (${ci.provider})`,
      `Job: ${ci.job ?? 'unknown'}; conclusion: ${ci.conclusion ?? 'failure'}${ci.url ? `; ${ci.url}` : ''}`,
    );
    if (ci.log_excerpt && ci.log_excerpt.trim() !== '') lines.push('Log excerpt:', fenced(ci.log_excerpt, piece));
  }
  if (feedback.reviews && feedback.reviews.length > 0) {
    lines.push('', '### Review comments on the pull request');
    for (const review of feedback.reviews) {
      const where = review.path ? ` on ${review.path}${review.line ? `:${review.line}` : ''}` : '';
      const state = review.state ? ` (${review.state})` : '';
      lines.push(
        `- ${review.author ? `@${review.author}` : 'A reviewer'}${where}${state}: ${tailOf(review.body, piece).replace(/\n/g, '\n  ')}`,
      );
    }
  }
  const onlyAnswer =
    feedback.answer && !feedback.execution && !feedback.qa && !feedback.ci && !feedback.reviews?.length;
  lines.push(
    '',
    onlyAnswer
      ? 'Go on with the step using this answer; keep what you already did.'
      : 'Fix these first, then re-run the checks yourself; keep what already works.',
  );
  const text = lines.join('\n');
  if (text.length <= maxChars) return text;
  const note = '\n… (feedback truncated)';
  return text.slice(0, Math.max(0, maxChars - note.length)) + note;
}

/** The whole message of a resumed session: the agent already has the step's instructions, so only the feedback. */
export function formatResumeMessage(
  stepFilename: string,
  feedback: ExecFeedback,
  maxChars = DEFAULT_FEEDBACK_MAX_CHARS,
): string {
  const onlyAnswer =
    feedback.answer && !feedback.execution && !feedback.qa && !feedback.ci && !feedback.reviews?.length;
  const opening = onlyAnswer
    ? `Your previous attempt at ${stepFilename} stopped to ask a question, and a person answered it.`
    : `Your previous attempt at ${stepFilename} did not pass.`;
  return `${opening} Continue the same task in the same workspace.\n\n${formatExecFeedback(feedback, maxChars)}\n`;
}
