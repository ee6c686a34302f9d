import { isAppError, isRetryable, type JobType } from '@tasksgodzilla/core';
import {
  LeaseLostError,
  type ActiveJob,
  type JobContext,
  type JobHandler,
  type JobHandlers,
  type JobMetricsHooks,
  type JobOutcome,
  type QueueLogger,
} from '@tasksgodzilla/platform-queue';
import type { Logger, TelemetryService } from '@tasksgodzilla/platform-telemetry';
import type { FailedJob } from '@tasksgodzilla/services-orchestrator';

/** pino's logger as the queue's logger interface. */
export function queueLogger(logger: Logger): QueueLogger {
  return {
    debug: (obj, msg) => logger.debug(obj, msg),
    info: (obj, msg) => logger.info(obj, msg),
    warn: (obj, msg) => logger.warn(obj, msg),
    error: (obj, msg) => logger.error(obj, msg),
  };
}

/** Job outcomes as the `jobs_processed_total{status}` metric. */
export function jobMetricsHooks(telemetry: TelemetryService): JobMetricsHooks {
  return {
    onJobFinished: (jobType: string, outcome: JobOutcome, seconds: number) =>
      telemetry.observeJob(jobType, outcome, seconds),
  };
}

/** Whether the runner will dead-letter this attempt (rather than retry, cancel or release it). */
export function isFinalFailure(
  job: Pick<ActiveJob, 'max_attempts'>,
  ctx: Pick<JobContext, 'attempt' | 'signal'>,
  error: unknown,
): boolean {
  const reason: unknown = ctx.signal.aborted ? ctx.signal.reason : error;
  if (reason instanceof LeaseLostError) return false;
  if (isAppError(reason) && reason.category === 'cancelled') return false;
  return !isRetryable(reason) || ctx.attempt >= job.max_attempts;
}

/**
 * Wraps each handler so a failure the runner will dead-letter (non-retryable, or the last attempt)
 * reaches `onFailed` first: the orchestrator writes `job_failed` and fails/blocks what the job owned.
 * Failures that will be retried do not (the original marked state failed and then retried, defect 21).
 */
export function withDeadLetterHook(
  handlers: JobHandlers,
  onFailed: (job: FailedJob, error: unknown) => Promise<void>,
  logger: Logger,
): JobHandlers {
  const wrapped: JobHandlers = {};
  for (const [type, handler] of Object.entries(handlers) as [JobType, JobHandler<JobType>][]) {
    const hooked: JobHandler<JobType> = async (job, ctx) => {
      try {
        return await handler(job, ctx);
      } catch (error) {
        if (isFinalFailure(job, ctx, error)) {
          const reason: unknown = ctx.signal.aborted ? ctx.signal.reason : error;
          try {
            await onFailed({ ...job, params: job.params ?? (job.payload as FailedJob['params']) }, reason);
          } catch (hookError) {
            logger.error(
              { err: hookError, job_id: job.run_id, job_type: job.job_type },
              'recording a dead-lettered job failed',
            );
          }
        }
        throw error;
      }
    };
    (wrapped as Record<string, JobHandler<JobType>>)[type] = hooked;
  }
  return wrapped;
}
