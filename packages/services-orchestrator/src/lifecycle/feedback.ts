import type { Event, EventType, JsonObject, JsonValue, StepRun } from '@tasksgodzilla/core';
import type { ExecuteStepInput } from '@tasksgodzilla/services-execution';
import type { ExecFeedback, FeedbackCheck, FeedbackReview } from '@tasksgodzilla/services-prompts';
import type { OrchestratorContext } from '../orchestrator.context.js';
import { FEEDBACK_REOPEN_LIMIT, reopensOf } from './reopen.js';

/** Events read after the previous attempt started, at most (oldest first). */
const EVIDENCE_WINDOW = 500;
/** Review comments passed on, at most (the newest). */
const MAX_REVIEWS = 10;

const QA_FAILURES: readonly string[] = ['qa_failed', 'qa_failed_inline', 'qa_error'] satisfies EventType[];
export const REVIEW_COMMENT_EVENT = 'review_comment' satisfies EventType;
const ANSWER_EVENT = 'step_input_answered' satisfies EventType;

/** What the execute handler passes to execution for one attempt, and what it records as sent. */
export interface AttemptFeedback {
  attempt: number;
  feedback: ExecFeedback | null;
  /** Ids of the events the feedback was built from. */
  evidence_event_ids: number[];
  /** The previous attempt's session, when resuming is on and one was recorded. */
  resume: { session_id: string; engine_id: string } | null;
}

function str(value: JsonValue | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function num(value: JsonValue | undefined): number | null {
  return typeof value === 'number' ? value : null;
}

function obj(value: JsonValue | undefined): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}

function failingChecks(metadata: JsonObject): FeedbackCheck[] {
  const checks = Array.isArray(metadata.checks) ? metadata.checks : [];
  return checks
    .map(obj)
    .filter((check) => check.passed === false)
    .map((check) => ({
      command: str(check.command) ?? '(unknown command)',
      exit_code: num(check.exit_code),
      output_tail: str(check.output_tail),
      timed_out: check.timed_out === true,
    }));
}

function qaEvidence(event: Event): NonNullable<ExecFeedback['qa']> {
  const metadata = event.metadata ?? {};
  return {
    outcome: str(metadata.outcome) ?? (event.event_type === 'qa_error' ? 'ERROR' : 'FAIL'),
    reason: str(metadata.reason) ?? str(metadata.error),
    failing_checks: failingChecks(metadata),
    report_tail: str(metadata.report_tail),
  };
}

function ciEvidence(event: Event): NonNullable<ExecFeedback['ci']> {
  const metadata = event.metadata ?? {};
  return {
    provider: str(metadata.provider) ?? 'ci',
    job: str(metadata.check_name) ?? str(metadata.job_name) ?? event.event_type,
    conclusion: str(metadata.conclusion),
    url: str(metadata.url),
    log_excerpt: str(metadata.log_excerpt),
  };
}

function reviewEvidence(event: Event): FeedbackReview {
  const metadata = event.metadata ?? {};
  return {
    author: str(metadata.author),
    body: str(metadata.body) ?? event.message,
    path: str(metadata.path),
    line: num(metadata.line),
    state: str(metadata.state),
    url: str(metadata.url),
  };
}

/** The previous attempt's agent session (`runtime_state.session`), recorded by the execute handler. */
export function recordedSession(step: StepRun): { session_id: string; engine_id: string } | null {
  const session = obj(step.runtime_state?.session);
  const id = str(session.id);
  const engine = str(session.engine_id);
  return id && engine ? { session_id: id, engine_id: engine } : null;
}

function left(limit: number | undefined, spent: number): number | null {
  return limit === undefined ? null : Math.max(0, limit - spent);
}

/**
 * The feedback of one attempt, from the latest recorded evidence since the previous attempt of the
 * step started (`step_started`): a person's answer to the question the previous attempt asked, the failed execution, the QA failure (this step's, else the one
 * of the run that sent work back here), the latest CI failure of the run, the review comments.
 * The first attempt gets none. Attempt number = earlier `step_started` of the step + 1.
 */
export async function gatherFeedback(
  ctx: OrchestratorContext,
  step: StepRun,
  spent: ExecuteStepInput['spent'],
): Promise<AttemptFeedback> {
  const { events } = ctx.deps.storage;
  let starts = 0;
  let previousStart: Event | null = null;
  let cursor: string | null = null;
  do {
    const page = await events.list({ step_run_id: step.id, event_types: ['step_started'] }, { limit: 200, cursor });
    previousStart ??= page.items[0] ?? null;
    starts += page.items.length;
    cursor = page.next_cursor;
  } while (cursor);
  const attempt = starts + 1;
  const resume = ctx.config.engineResume ? recordedSession(step) : null;
  if (!previousStart) return { attempt, feedback: null, evidence_event_ids: [], resume: null };

  const since = await events.listAfter(previousStart.id, { protocol_run_id: step.protocol_run_id }, EVIDENCE_WINDOW);
  const latest = (match: (event: Event) => boolean): Event | null => [...since].reverse().find(match) ?? null;
  const execution = latest((e) => e.step_run_id === step.id && e.event_type === 'step_execution_failed');
  const qa =
    latest((e) => e.step_run_id === step.id && QA_FAILURES.includes(e.event_type)) ??
    latest((e) => QA_FAILURES.includes(e.event_type));
  const ci = latest(
    (e) => e.metadata?.status === 'failure' && (e.metadata?.provider === 'github' || e.metadata?.provider === 'gitlab'),
  );
  const reviews = since.filter((e) => e.event_type === REVIEW_COMMENT_EVENT).slice(-MAX_REVIEWS);
  const answer = latest((e) => e.step_run_id === step.id && e.event_type === ANSWER_EVENT);
  const used = [answer, execution, qa, ci, ...reviews].filter((event): event is Event => event !== null);

  const feedback: ExecFeedback = {
    attempt,
    budget: {
      reopens_left: Math.max(0, FEEDBACK_REOPEN_LIMIT - reopensOf(step)),
      tokens_left: left(ctx.config.maxTokensPerStep, spent.step.tokens),
      cost_usd_left: left(ctx.config.maxCostUsdPerStep, spent.step.cost_usd),
    },
    execution: execution
      ? {
          outcome: str(execution.metadata?.outcome) ?? 'failed',
          error: str(execution.metadata?.error) ?? execution.message,
        }
      : null,
    qa: qa ? qaEvidence(qa) : null,
    ci: ci ? ciEvidence(ci) : null,
    reviews: reviews.map(reviewEvidence),
    answer: answer
      ? { question: str(answer.metadata?.question) ?? '', answer: str(answer.metadata?.answer) ?? answer.message }
      : null,
  };
  return {
    attempt,
    feedback: used.length > 0 ? feedback : null,
    evidence_event_ids: used.map((event) => event.id).sort((a, b) => a - b),
    resume,
  };
}
