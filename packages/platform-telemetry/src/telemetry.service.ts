import type { Event } from '@tasksgodzilla/core';
import { errorMessage, systemClock } from '@tasksgodzilla/core';
import type { NewEvent } from '@tasksgodzilla/platform-storage';
import { getLogContext } from './log-context.js';
import type { EventListener, RecordEventOptions, TelemetryDeps, TelemetryService } from './telemetry.types.js';
import { estimateTokens } from './token-estimate.js';

/**
 * Events with their log lines, subscribers notified once an event is durable, and the metric
 * helpers services call. Stateless apart from the subscriber list.
 */
export function createTelemetryService(deps: TelemetryDeps): TelemetryService {
  const { logger, metrics } = deps;
  const clock = deps.clock ?? systemClock;
  const listeners = new Set<EventListener>();

  const reportListenerError = (event: Event, error: unknown) => {
    logger.warn(
      { err: error, event_id: event.id, event_type: event.event_type },
      `event subscriber failed: ${errorMessage(error)}`,
    );
  };

  const publish = (event: Event) => {
    metrics.observeEvent(event.event_type);
    for (const listener of [...listeners]) {
      try {
        const result = listener(event);
        if (result && typeof result.then === 'function')
          result.then(undefined, (error: unknown) => reportListenerError(event, error));
      } catch (error) {
        reportListenerError(event, error);
      }
    }
  };

  return {
    logger,
    metrics,

    async recordEvent(input: NewEvent, opts: RecordEventOptions = {}): Promise<Event> {
      const context = getLogContext();
      // Undefined means "not given": take it from the context. An explicit null means "none".
      const withIds: NewEvent = {
        ...input,
        request_id: input.request_id === undefined ? (context.request_id ?? null) : input.request_id,
        job_id: input.job_id === undefined ? (context.job_id ?? null) : input.job_id,
      };
      const repository = opts.tx?.events ?? deps.events;
      const event = await repository.append(withIds);
      // Logged (and published) once it is real: inside a transaction only after the commit, so a
      // rolled-back write (disk full, lost race) never leaves an "enqueued" line behind.
      const log = () =>
        logger.info(
          {
            event_id: event.id,
            event_type: event.event_type,
            project_id: event.project_id,
            protocol_run_id: event.protocol_run_id,
            step_run_id: event.step_run_id,
            request_id: withIds.request_id ?? null,
            job_id: withIds.job_id ?? null,
            metadata: event.metadata,
          },
          event.message,
        );
      const afterCommit = opts.tx?.afterCommit;
      if (afterCommit) {
        afterCommit.call(opts.tx, () => {
          log();
          publish(event);
        });
      } else {
        log();
        publish(event);
      }
      return event;
    },

    subscribe(listener: EventListener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    observeTokens: (usage) => metrics.observeTokens(usage),
    observeEstimatedTokens: (phase, model, tokens) => metrics.observeEstimatedTokens(phase, model, tokens),
    observeQaVerdict: (verdict) => metrics.observeQaVerdict(verdict),
    observeJob: (jobType, status, seconds) => metrics.observeJob(jobType, status, seconds),
    estimateTokens,

    startTimer() {
      const started = clock.now().getTime();
      return () => (clock.now().getTime() - started) / 1000;
    },
  };
}
