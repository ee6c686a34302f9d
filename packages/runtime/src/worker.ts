import {
  LeaseExpiredError,
  type JobMetricsHooks,
  type JobOutcome,
  type QueueJob,
  type QueueLogger,
} from '@tasksgodzilla/platform-queue';
import type { Logger, TelemetryService } from '@tasksgodzilla/platform-telemetry';

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

/**
 * The worker runner's one final-failure hook: a job the queue dead-lettered (the runner decides,
 * `onFinalFailure`) is recorded by the orchestrator (`job_failed`, its step failed, its run blocked).
 * A job reclaimed after its worker died on the last attempt (a LeaseExpiredError) first has the step
 * processes that worker left behind killed.
 */
export function finalFailureHook(deps: {
  onJobFailed: (job: QueueJob, error: unknown) => Promise<void>;
  reapDeadAttempt: (job: QueueJob) => Promise<void>;
}): (job: QueueJob, error: unknown) => Promise<void> {
  return async (job, error) => {
    if (error instanceof LeaseExpiredError) await deps.reapDeadAttempt(job);
    await deps.onJobFailed(job, error);
  };
}
