import { hostname } from 'node:os';
import PQueue from 'p-queue';
import { CancelledError, QueueError, randomHex, TimeoutError, type JsonObject } from '@tasksgodzilla/core';
import { willRetry } from './ledger.js';
import { noopLogger } from './ledger-queue.js';
import { LeaseExpiredError, LeaseLostError, UnknownJobTypeError } from './queue.errors.js';
import type { ActiveJob, AttemptReport, ClaimedJob, HandlerResult, QueueJob, QueueLogger } from './queue.types.js';
import type { WakeupWatch } from './wakeups.js';
import type {
  JobContext,
  JobHandler,
  JobOutcome,
  StopOptions,
  WorkerRunner,
  WorkerRunnerOptions,
} from './worker-runner.types.js';

type AbortCause = 'timeout' | 'cancel' | 'lease_lost' | 'shutdown';

interface Attempt {
  job: ClaimedJob;
  /** Made when the handler first reads `ctx.signal` (most handlers of short jobs never do). */
  controller: AbortController | null;
  cause: AbortCause | null;
  /** The error the attempt was aborted with (the signal's reason). */
  reason: Error | null;
  /** Called once when the attempt is aborted (the runner's grace period starts). */
  onAbort: (() => void) | null;
  /** When the next heartbeat is due and when the job times out (performance.now() ms; Infinity once fired). */
  beatAt: number;
  deadline: number;
  timeoutSeconds: number;
  log: QueueLogger | null;
  report: AttemptReport;
  /** Its finish took the next job, or looked and found none due: the loop has nothing new to claim. */
  handedOff?: boolean;
}

// A bound logger's base logger and bindings: binding it again merges the bindings once, so each line
// is one spread, not one per level of binding.
const boundLoggers = new WeakMap<QueueLogger, { base: QueueLogger; bindings: Record<string, unknown> }>();

function bindLogger(logger: QueueLogger, bindings: Record<string, unknown>): QueueLogger {
  // Nothing to bind for a logger that writes nothing (a job's logger is bound per job).
  if (logger === noopLogger) return noopLogger;
  const parent = boundLoggers.get(logger);
  const base = parent?.base ?? logger;
  const all = parent ? { ...parent.bindings, ...bindings } : bindings;
  const bound: QueueLogger = {
    debug: (obj, msg) => base.debug({ ...all, ...obj }, msg),
    info: (obj, msg) => base.info({ ...all, ...obj }, msg),
    warn: (obj, msg) => base.warn({ ...all, ...obj }, msg),
    error: (obj, msg) => base.error({ ...all, ...obj }, msg),
  };
  boundLoggers.set(bound, { base, bindings: all });
  return bound;
}

/**
 * Settles with the handler, or rejects with the abort reason when the attempt is aborted and the
 * handler ignores it past the grace period.
 */
function settleOrAbandon<T>(run: () => Promise<T>, attempt: Attempt, graceMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let grace: NodeJS.Timeout | undefined;
    attempt.onAbort = () => {
      grace = setTimeout(() => reject(attempt.reason), graceMs);
    };
    if (attempt.cause) attempt.onAbort();
    const settled = () => {
      clearTimeout(grace);
      attempt.onAbort = null;
    };
    Promise.resolve()
      .then(run)
      .then(
        (value) => {
          settled();
          resolve(value);
        },
        (error: unknown) => {
          settled();
          reject(error);
        },
      );
  });
}

/** The attempt's AbortSignal, made on first use (already aborted when the attempt was). */
function signalOf(attempt: Attempt): AbortSignal {
  if (!attempt.controller) {
    attempt.controller = new AbortController();
    if (attempt.cause) attempt.controller.abort(attempt.reason);
  }
  return attempt.controller.signal;
}

/** The longest delay setTimeout takes (a longer one fires at once). */
const MAX_TIMER_MS = 2_147_483_647;

function addUsage(report: AttemptReport, usage: { tokens?: number; cost_cents?: number } | undefined): void {
  if (!usage) return;
  const total = (report.usage ??= {});
  if (usage.tokens !== undefined) total.tokens = (total.tokens ?? 0) + usage.tokens;
  if (usage.cost_cents !== undefined) total.cost_cents = (total.cost_cents ?? 0) + usage.cost_cents;
}

/**
 * Claims jobs from the queue and runs their handlers with in-process concurrency, a lease
 * kept alive by heartbeats, a per-job timeout and cancellation through an AbortSignal.
 */
export function createWorkerRunner(options: WorkerRunnerOptions): WorkerRunner {
  const { queue, handlers } = options;
  const concurrency = Math.max(1, Math.trunc(options.concurrency ?? 1));
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const maxPollIntervalMs = Math.max(pollIntervalMs, options.maxPollIntervalMs ?? 2000);
  const wakeupPollIntervalMs = options.wakeupPollIntervalMs ?? maxPollIntervalMs;
  const leaseSeconds = options.leaseSeconds ?? queue.defaults.leaseSeconds;
  // Reclaiming expired leases and the relay run at most this often: a lease cannot expire sooner than
  // its length after a claim or heartbeat, and the relay only picks up what a crash left unpublished,
  // so a quarter of the lease (at least the longest poll, at most 1 s) is soon enough.
  const maintenanceIntervalMs = Math.min(1000, Math.max(maxPollIntervalMs, (leaseSeconds * 1000) / 4));
  const heartbeatIntervalMs = Math.max(20, options.heartbeatIntervalMs ?? Math.floor((leaseSeconds * 1000) / 3));
  const reconcileIntervalMs = options.reconcileIntervalMs ?? 30_000;
  const abortGraceMs = options.abortGraceMs ?? 5000;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomHex(3)}`;
  const queues = options.queues ?? ['default'];
  const logger = bindLogger(options.logger ?? noopLogger, { worker_id: workerId });
  const metrics = options.metrics ?? {};

  // Runs the jobs under way (a claim only takes a free slot of `active`) and says when none is left.
  const pool = new PQueue({ concurrency });
  const active = new Map<string, Attempt>();
  // Attempts whose heartbeats and timeout are due on the runner's one timer (from start to finish).
  const timed = new Set<Attempt>();
  let timer: NodeJS.Timeout | null = null;
  let timerAt = Infinity;
  let loop: Promise<void> | null = null;
  let stopping = false;
  let wake: (() => void) | null = null;
  // A poke that came while the loop was not napping (claiming, at work): the next nap returns at once.
  let poked = false;
  // The loop naps because every slot is taken (its wait is not set by the next delayed job).
  let fullNap = false;
  // Jobs enqueued in this process while handoffs were pending (no more than those handoffs): one of
  // them may claim each, so the loop is woken only for those no handoff took. Only where a handoff
  // claims (embedded, or once one has said it searched; BullMQ's never does).
  const owed = new Set<string>();
  let handoffs = 0;
  let handoffsClaim = queue.backend === 'embedded';
  let lastReconcile = 0;
  let lastMaintenance = 0;
  let unsubscribe: (() => void) | null = null;
  let watching: WakeupWatch | null = null;

  // A throwing metrics hook must not take the worker down.
  const observe = (record: () => void) => {
    try {
      record();
    } catch (error) {
      logger.warn({ err: error }, 'metrics hook failed');
    }
  };

  const poke = () => {
    // The loop looks at every due job now.
    owed.clear();
    const resume = wake;
    wake = null;
    if (resume) resume();
    else poked = true;
  };

  /** Waits up to `ms`; true when a poke (a job enqueued or finished, a wake-up, stop) ended it early. */
  const nap = (ms: number) =>
    new Promise<boolean>((resolve) => {
      if (poked || stopping) {
        poked = false;
        resolve(true);
        return;
      }
      const done = (early: boolean) => {
        clearTimeout(timer);
        if (wake === resume) wake = null;
        resolve(early);
      };
      const resume = () => done(true);
      const timer = setTimeout(() => done(false), ms);
      wake = resume;
    });

  /**
   * How long an idle loop may wait: until the earliest queued job of its queues becomes due, and at
   * most `base` (the fallback poll). A job due already but not claimable (a race, a BullMQ message not
   * yet delivered) leaves the base wait.
   */
  const idleWait = async (base: number): Promise<number> => {
    try {
      const next = await queue.nextRunAt(queues);
      if (next === null) return base;
      const until = Date.parse(next) - queue.clock.now().getTime();
      return until > 0 ? Math.min(base, until + 1) : base;
    } catch (error) {
      logger.warn({ err: error }, 'reading the next due job failed');
      return base;
    }
  };

  const abort = (attempt: Attempt, cause: AbortCause, reason: Error) => {
    if (attempt.cause) return;
    attempt.cause = cause;
    attempt.reason = reason;
    attempt.controller?.abort(reason);
    attempt.onAbort?.();
  };

  const beat = (attempt: Attempt) => {
    queue
      .heartbeat(attempt.job, leaseSeconds)
      .then((result) => {
        if (result.cancel_requested)
          abort(attempt, 'cancel', new CancelledError('Job cancelled by request', { code: 'job_cancelled' }));
      })
      .catch((error: unknown) => {
        if (error instanceof LeaseLostError) abort(attempt, 'lease_lost', error);
        else attempt.log?.warn({ err: error }, 'heartbeat failed');
      });
  };

  /** Sets the one timer to fire at `at` unless it fires sooner already. */
  const arm = (at: number) => {
    if (at >= timerAt) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(tick, Math.min(MAX_TIMER_MS, Math.max(0, at - performance.now())));
  };

  const disarm = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    timerAt = Infinity;
  };

  // One timer for every running job's heartbeats and timeout (a job's own setInterval and setTimeout
  // cost more than a no-op job's handler): each tick sends the heartbeats due, times out the jobs past
  // their deadline, and sets the timer to the next of either.
  function tick() {
    timer = null;
    timerAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const attempt of timed) {
      if (now >= attempt.deadline) {
        attempt.deadline = Infinity;
        abort(
          attempt,
          'timeout',
          new TimeoutError(`Job exceeded its timeout of ${attempt.timeoutSeconds}s`, { code: 'job_timeout' }),
        );
      }
      if (now >= attempt.beatAt) {
        attempt.beatAt = now + heartbeatIntervalMs;
        beat(attempt);
      }
      next = Math.min(next, attempt.beatAt, attempt.deadline);
    }
    if (next !== Infinity) arm(next);
  }

  const watch = () => {
    watching ??= queue.watch((name) => {
      if (name === null || queues.includes(name)) poke();
    });
  };

  const subscribe = () => {
    unsubscribe ??= queue.subscribe((event) => {
      if (event.type === 'enqueued') {
        if (!queues.includes(event.queue)) return;
        if (handoffsClaim && handoffs > owed.size) owed.add(event.run_id);
        else poke();
        return;
      }
      const attempt = active.get(event.run_id);
      if (attempt) abort(attempt, 'cancel', new CancelledError('Job cancelled by request', { code: 'job_cancelled' }));
    });
  };

  const reportCancelled = async (job: QueueJob) => {
    if (!options.onCancelled) return;
    try {
      await options.onCancelled(job);
    } catch (error) {
      logger.error({ err: error, run_id: job.run_id, job_type: job.job_type }, 'recording a cancelled job failed');
    }
  };

  // The one place a job that failed for good is reported, whichever way it failed.
  const reportFinalFailure = async (job: QueueJob, error: unknown) => {
    if (!options.onFinalFailure) return;
    try {
      await options.onFinalFailure(job, error);
    } catch (hookError) {
      logger.error({ err: hookError, run_id: job.run_id, job_type: job.job_type }, 'recording a failed job failed');
    }
  };

  /** Records a failed attempt; the queue decides retry or dead letter, and a dead letter is reported. */
  const recordFailure = async (job: ClaimedJob, error: unknown, report: AttemptReport) => {
    const updated = await queue.fail(job, error, report);
    if (updated.status === 'failed') await reportFinalFailure(updated, error);
    return updated;
  };

  const maintenance = async (reconcile: boolean) => {
    try {
      const reclaimed = await queue.reclaimExpired();
      for (const job of reclaimed) {
        if (job.status === 'cancelled') await reportCancelled(job);
        if (job.status === 'failed') await reportFinalFailure(job, LeaseExpiredError.recordedOn(job));
      }
    } catch (error) {
      logger.warn({ err: error }, 'reclaiming expired leases failed');
    }
    try {
      await queue.publishPending({ reconcile });
    } catch (error) {
      logger.warn({ err: error }, 'relaying unpublished jobs failed');
    }
  };

  const finish = async (attempt: Attempt, error: unknown, log: QueueLogger): Promise<JobOutcome> => {
    const { job, report } = attempt;
    switch (attempt.cause) {
      case 'lease_lost':
        log.warn({ err: error }, 'job abandoned: lease lost');
        return 'lease_lost';
      case 'shutdown':
        return 'released';
      case 'cancel': {
        const cancelled = await queue.markCancelled(job, 'cancelled by request', report);
        log.info({}, 'job cancelled');
        await reportCancelled(cancelled);
        return 'cancelled';
      }
      default: {
        // A timeout is the TimeoutError the runner aborted with, whatever the handler threw.
        const cause = attempt.cause === 'timeout' ? attempt.reason : error;
        const updated = await recordFailure(job, cause, report);
        const outcome = updated.status === 'queued' ? 'retried' : 'failed';
        log.warn(
          { err: cause, outcome, next_run_at: outcome === 'retried' ? updated.run_at : undefined },
          outcome === 'retried' ? 'job failed; retrying with backoff' : 'job failed permanently',
        );
        return outcome;
      }
    }
  };

  const runAttempt = async (attempt: Attempt, log: QueueLogger): Promise<JobOutcome> => {
    const { job, report } = attempt;
    const handler = Object.hasOwn(handlers, job.job_type)
      ? (handlers[job.job_type] as JobHandler<JsonObject> | undefined)
      : undefined;
    if (!handler) {
      const error = new UnknownJobTypeError(job.job_type);
      await recordFailure(job, error, report);
      log.error({ err: error }, 'job failed: unknown job type');
      return 'failed';
    }
    let payload: JsonObject;
    try {
      payload = queue.jobTypes.parse(job.job_type, job.params);
    } catch (error) {
      await recordFailure(job, error, report);
      log.error({ err: error }, 'job failed: invalid payload');
      return 'failed';
    }
    const ctx: JobContext = {
      get signal() {
        return signalOf(attempt);
      },
      workerId,
      attempt: job.attempts,
      log,
      heartbeat: async () => {
        try {
          const beat = await queue.heartbeat(job, leaseSeconds);
          if (beat.cancel_requested)
            abort(attempt, 'cancel', new CancelledError('Job cancelled by request', { code: 'job_cancelled' }));
        } catch (error) {
          if (error instanceof LeaseLostError) abort(attempt, 'lease_lost', error);
          throw error;
        }
      },
      setLogPath: (path) => {
        report.log_path = path;
      },
      addUsage: (usage) => addUsage(report, usage),
      willRetry: (error) => willRetry(job, error),
    };
    const activeJob: ActiveJob = { ...job, payload };
    let result: HandlerResult | void;
    try {
      result = await settleOrAbandon(() => handler(activeJob, ctx), attempt, abortGraceMs);
    } catch (error) {
      return finish(attempt, error, log);
    }
    if (attempt.cause === 'lease_lost') return 'lease_lost';
    if (attempt.cause === 'shutdown') return 'released';
    // The handler finished its work (even if a cancel or timeout arrived meanwhile): the ledger says so.
    if (result?.log_path !== undefined) report.log_path = result.log_path;
    addUsage(report, result?.usage);
    const outcome: HandlerResult = { result: result?.result, log_path: report.log_path, usage: report.usage };
    if (loop === null || stopping) await queue.complete(job, outcome);
    else {
      // Started: the finish and the next claim share one commit (embedded), and the next job takes
      // this one's slot (it leaves `active` first, so the slots never overfill).
      handoffs++;
      let handoff: Awaited<ReturnType<typeof queue.completeAndClaim>>;
      try {
        handoff = await queue.completeAndClaim(job, outcome, { workerId, leaseSeconds, queues });
      } finally {
        handoffs--;
      }
      const { next, searched } = handoff;
      active.delete(job.run_id);
      attempt.handedOff = next !== null || searched === true;
      if (searched) handoffsClaim = true;
      if (next) owed.delete(next.run_id);
      // More jobs owed than pending handoffs can take: the loop claims them.
      if (owed.size > handoffs) poke();
      if (next) await takeOrRelease(next);
    }
    log.info({}, 'job completed');
    return 'completed';
  };

  /** Runs a claimed job, or gives it back when the runner began stopping meanwhile. */
  const takeOrRelease = async (job: ClaimedJob) => {
    if (!stopping) return launch(job);
    try {
      await queue.release(job, {});
    } catch (error) {
      logger.warn({ err: error, run_id: job.run_id }, 'releasing a job failed; its lease will expire');
    }
  };

  const execute = async (attempt: Attempt): Promise<void> => {
    const { job } = attempt;
    const started = performance.now();
    const log = bindLogger(logger, { run_id: job.run_id, job_type: job.job_type, attempt: job.attempts });
    observe(() => metrics.onJobStarted?.(job.job_type));
    log.info({}, 'job started');
    attempt.log = log;
    attempt.timeoutSeconds = job.timeout_seconds ?? queue.defaults.timeoutSeconds;
    attempt.beatAt = started + heartbeatIntervalMs;
    attempt.deadline = started + attempt.timeoutSeconds * 1000;
    timed.add(attempt);
    arm(Math.min(attempt.beatAt, attempt.deadline));
    let outcome: JobOutcome;
    try {
      outcome = await runAttempt(attempt, log);
    } catch (error) {
      outcome = 'lease_lost';
      if (error instanceof LeaseLostError) log.warn({ err: error }, 'job outcome rejected: lease lost');
      else
        log.error({ err: error }, 'recording the job outcome failed; the lease will expire and the job be reclaimed');
    } finally {
      timed.delete(attempt);
      // No job left to watch: nothing keeps the timer (or the process) going.
      if (timed.size === 0) disarm();
      active.delete(job.run_id);
      // After a handoff the loop has nothing new to claim (it would only find what the handoff found),
      // unless it naps full: then a freed slot must set its wait by the next delayed job again.
      if (!attempt.handedOff || fullNap) poke();
    }
    const seconds = (performance.now() - started) / 1000;
    observe(() => metrics.onJobFinished?.(job.job_type, outcome, seconds));
  };

  const launch = (job: ClaimedJob) => {
    const attempt: Attempt = {
      job,
      controller: null,
      cause: null,
      reason: null,
      onAbort: null,
      beatAt: Infinity,
      deadline: Infinity,
      timeoutSeconds: 0,
      log: null,
      report: {},
    };
    active.set(job.run_id, attempt);
    // execute catches what its attempt throws and reports it; anything else is logged.
    pool
      .add(() => execute(attempt))
      .catch((error: unknown) => {
        logger.error({ err: error, run_id: job.run_id }, 'running a job failed');
      });
  };

  const claimBatch = async (): Promise<number> => {
    let claimed = 0;
    while (!stopping && active.size < concurrency) {
      const job = await queue.claim({ workerId, leaseSeconds, queues });
      if (!job) break;
      claimed++;
      launch(job);
    }
    return claimed;
  };

  // Claims while jobs are due and slots are free; then waits for a poke (a job enqueued in this process,
  // a wake-up from another process, a job finished), the earliest delayed job, or the fallback poll:
  // `wakeupPollIntervalMs` while wake-ups arrive, else polling with backoff (pollIntervalMs up to
  // maxPollIntervalMs).
  const run = async () => {
    let idle = pollIntervalMs;
    while (!stopping) {
      const now = Date.now();
      if (now - lastMaintenance >= maintenanceIntervalMs) {
        lastMaintenance = now;
        const reconcile = now - lastReconcile >= reconcileIntervalMs;
        if (reconcile) lastReconcile = now;
        await maintenance(reconcile);
      }
      poked = false;
      let failed = false;
      try {
        await claimBatch();
      } catch (error) {
        failed = true;
        logger.error({ err: error }, 'claiming jobs failed');
      }
      if (stopping) break;
      if (active.size >= concurrency) {
        // Full: a finishing job pokes.
        idle = pollIntervalMs;
        fullNap = true;
        await nap(maxPollIntervalMs);
        fullNap = false;
        continue;
      }
      // Nothing due now.
      const live = watching?.live === true;
      const wait = failed ? idle : await idleWait(live ? wakeupPollIntervalMs : idle);
      if (await nap(wait)) idle = pollIntervalMs;
      else if (!live) idle = Math.min(idle * 2, maxPollIntervalMs);
    }
  };

  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());

  return {
    workerId,
    get activeJobs() {
      return active.size;
    },
    get started() {
      return loop !== null;
    },

    start() {
      if (loop) return;
      stopping = false;
      poked = false;
      subscribe();
      watch();
      loop = run().catch((error: unknown) => logger.error({ err: error }, 'worker loop crashed'));
      logger.info({ concurrency, queues, backend: queue.backend }, 'worker started');
    },

    async stop({ graceful = true, timeoutMs = 30_000 }: StopOptions = {}) {
      stopping = true;
      poke();
      if (loop) await loop;
      loop = null;
      if (graceful && active.size > 0) await Promise.race([pool.onIdle(), sleep(timeoutMs)]);
      const leftovers = [...active.values()].filter((attempt) => attempt.cause === null);
      await Promise.all(
        leftovers.map(async (attempt) => {
          abort(attempt, 'shutdown', new CancelledError('Worker shutting down', { code: 'worker_shutdown' }));
          try {
            await queue.release(attempt.job, attempt.report);
            logger.info({ run_id: attempt.job.run_id }, 'job released for another worker');
          } catch (error) {
            if (!(error instanceof LeaseLostError))
              logger.warn({ err: error, run_id: attempt.job.run_id }, 'releasing a job failed; its lease will expire');
          }
        }),
      );
      if (active.size > 0) await Promise.race([pool.onIdle(), sleep(abortGraceMs + 100)]);
      unsubscribe?.();
      unsubscribe = null;
      const watched = watching;
      watching = null;
      await watched?.stop();
      stopping = false;
      logger.info({}, 'worker stopped');
    },

    async runOnce() {
      if (loop)
        throw new QueueError('runOnce and drain cannot be used while the runner is started', { retryable: false });
      subscribe();
      await maintenance(true);
      const claimed = await claimBatch();
      await pool.onIdle();
      return claimed;
    },

    async drain() {
      let total = 0;
      for (;;) {
        const ran = await this.runOnce();
        total += ran;
        if (ran === 0) return total;
      }
    },
  };
}
