import {
  systemClock,
  type Clock,
  type Event,
  type RecordedEventType,
  type JobType,
  type JsonObject,
  type ProtocolRun,
  type StepRun,
} from '@tasksgodzilla/core';
import type { QueueJob } from '@tasksgodzilla/platform-queue';
import type { StorageTx } from '@tasksgodzilla/platform-storage';
import type { Logger } from '@tasksgodzilla/platform-telemetry';
import { rawSpecOf } from '@tasksgodzilla/services-spec';
import type { JobPayloadInput } from './job-types.js';
import type { OrchestratorConfig, OrchestratorServiceDeps } from './orchestrator.types.js';
import { enqueueIssueComment, ISSUE_COMMENT_TRIGGERS } from './issues/issue-comment.js';

/** Correlation of one call chain: the api request that started it and the job running it. */
export interface Trace {
  requestId?: string | null;
  jobId?: string | null;
}

export interface EventDraft {
  /** A catalogued type (core's EVENT_CATALOGUE), or a CI provider's event name via providerEventType. */
  type: RecordedEventType;
  message: string;
  /** The run the event belongs to (also gives project_id and the spec hash). */
  run?: Pick<ProtocolRun, 'id' | 'project_id' | 'template_config'> | null;
  step?: Pick<StepRun, 'id'> | null;
  /** Required for project-level events (no run). */
  projectId?: number;
  metadata?: JsonObject;
}

/** What every lifecycle module and handler shares: the deps plus event and enqueue helpers. */
export interface OrchestratorContext {
  readonly deps: OrchestratorServiceDeps;
  readonly config: OrchestratorConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Records an event (through `tx` when given) with request_id / job_id from the trace and the run's spec_hash. */
  record(tx: StorageTx | null, draft: EventDraft, trace?: Trace): Promise<Event>;
  /**
   * Enqueues a job in `tx`. Its idempotency key is its registered job type's (job-types.ts):
   * `<job_type>:<subject>:<n>`, n being one more than the jobs of that type already enqueued for the
   * subject, so two racing callers get the same key and the job exists once (the first caller's).
   */
  enqueue<T extends JobType>(tx: StorageTx, jobType: T, payload: JobPayloadInput<T>, trace?: Trace): Promise<QueueJob>;
}

/**
 * Enqueues a job and records the event announcing it (its metadata gets the job's id first), both in
 * `tx`: the one shape of every `*_enqueued` event.
 */
export async function enqueueWithEvent<T extends JobType>(
  ctx: OrchestratorContext,
  tx: StorageTx,
  job: { type: T; payload: JobPayloadInput<T> },
  event: EventDraft,
  trace?: Trace,
): Promise<QueueJob> {
  const queued = await ctx.enqueue(tx, job.type, job.payload, trace);
  await ctx.record(tx, { ...event, metadata: { job_id: queued.run_id, ...(event.metadata ?? {}) } }, trace);
  return queued;
}

/** The payload of a job about one step of a run. */
export function stepJobPayload(
  run: Pick<ProtocolRun, 'id' | 'project_id'>,
  step: Pick<StepRun, 'id'>,
): { step_run_id: number; protocol_run_id: number; project_id: number } {
  return { step_run_id: step.id, protocol_run_id: run.id, project_id: run.project_id };
}

/** The payload of a job about a whole run. */
export function runJobPayload(run: Pick<ProtocolRun, 'id' | 'project_id'>): {
  protocol_run_id: number;
  project_id: number;
} {
  return { protocol_run_id: run.id, project_id: run.project_id };
}

function specHashOf(deps: OrchestratorServiceDeps, run: EventDraft['run']): string | null {
  const raw = rawSpecOf(run?.template_config ?? null);
  return raw ? deps.spec.hash(raw) : null;
}

export function createOrchestratorContext(deps: OrchestratorServiceDeps): OrchestratorContext {
  const clock = deps.clock ?? systemClock;
  const logger = deps.telemetry.logger;
  const ctx: OrchestratorContext = {
    deps,
    config: deps.config,
    clock,
    logger,

    async record(tx, draft, trace = {}) {
      const metadata: JsonObject = { ...(draft.metadata ?? {}) };
      // A spec_hash key left null by the caller means "the run's hash, if it has a spec".
      if (draft.run && (metadata.spec_hash === undefined || metadata.spec_hash === null)) {
        const hash = specHashOf(deps, draft.run);
        if (hash) metadata.spec_hash = hash;
      }
      const projectId = draft.run?.project_id ?? draft.projectId;
      if (projectId === undefined) throw new TypeError(`event ${draft.type} needs a run or a project id`);
      const event = await deps.telemetry.recordEvent(
        {
          project_id: projectId,
          protocol_run_id: draft.run?.id ?? null,
          step_run_id: draft.step?.id ?? null,
          event_type: draft.type,
          message: draft.message,
          metadata,
          ...(trace.requestId !== undefined ? { request_id: trace.requestId } : {}),
          ...(trace.jobId !== undefined ? { job_id: trace.jobId } : {}),
        },
        tx ? { tx } : {},
      );
      // A run opened from an issue reports these events on it (through the queue, in the same transaction).
      if (draft.run && ISSUE_COMMENT_TRIGGERS.has(draft.type)) {
        const run = draft.run;
        if (tx) await enqueueIssueComment(ctx, tx, run, trace);
        else await deps.storage.transaction((own) => enqueueIssueComment(ctx, own, run, trace));
      }
      return event;
    },

    async enqueue(tx, jobType, payload, trace = {}) {
      const body = { ...(payload as Record<string, unknown>) };
      if (trace.requestId) body.request_id = trace.requestId;
      return deps.queue.enqueue({ job_type: jobType, payload: body }, { tx });
    },
  };
  return ctx;
}
