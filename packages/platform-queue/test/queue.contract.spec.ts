import {
  BudgetExceededError,
  CancelledError,
  ConflictError,
  EngineError,
  NotFoundError,
  TimeoutError,
  ValidationError,
} from '@tasksgodzilla/core';
import {
  LeaseExpiredError,
  LeaseLostError,
  createWorkerRunner,
  type JobMetricsHooks,
  type JobOutcome,
  type JobQueue,
  type QueueJob,
  type WorkerRunner,
  type WorkerRunnerOptions,
} from '../src/index.js';
import { availableBackends, deferred, manualClock, START, untilAborted, useHarness, waitFor } from './harness.js';
import type { TestJobHandlers } from './fixtures/test-job-types.js';

const backends = await availableBackends();

describe.each(backends)('queue contract on %s', (backendName) => {
  let clock: ReturnType<typeof manualClock>;
  let queue: JobQueue;
  // Stopped after each test, even a failing one, so no poll loop outlives its test.
  const runners: WorkerRunner[] = [];
  const h = useHarness(backendName, () => Promise.all(runners.splice(0).map((r) => r.stop({ graceful: false }))));

  beforeEach(() => {
    clock = manualClock();
    queue = h.createQueue({ clock });
  });

  const runner = (handlers: TestJobHandlers, options: Partial<WorkerRunnerOptions> = {}) => {
    const created = createWorkerRunner({
      queue,
      handlers,
      workerId: 'test-worker',
      pollIntervalMs: 20,
      maxPollIntervalMs: 100,
      heartbeatIntervalMs: 50,
      ...options,
    });
    runners.push(created);
    return created;
  };

  const plan = (protocolRunId: number, extra: Record<string, unknown> = {}) => ({
    job_type: 'alpha_job' as const,
    payload: { protocol_run_id: protocolRunId },
    ...extra,
  });

  /** Enqueues `plan(1)`, then rewrites its ledger row behind the queue's back (an older release, a bad migration). */
  const enqueueRewritten = async (columns: { params?: string; job_type?: string }) => {
    const job = await queue.enqueue(plan(1));
    await h.handle.db.updateTable('job_runs').set(columns).where('run_id', '=', job.run_id).execute();
    return job;
  };

  /** The job failed on its first attempt, with `error` as `Name: message`. */
  const expectFailedOnce = async (runId: string, error: string) =>
    expect(await queue.get(runId)).toMatchObject({ status: 'failed', attempts: 1, error });

  const recordMetrics = () => {
    const seen: { jobType: string; outcome: JobOutcome; duration: number }[] = [];
    const hooks: JobMetricsHooks = {
      onJobFinished: (jobType, outcome, duration) => seen.push({ jobType, outcome, duration }),
    };
    return { seen, hooks };
  };

  it('completes a job and claims the next due one in the same call (BullMQ: the message fetched with the last acknowledgement)', async () => {
    const a = await queue.enqueue(plan(1));
    clock.advance(1);
    const b = await queue.enqueue(plan(2));
    clock.advance(1);
    const c = await queue.enqueue(plan(3));
    const claimed = await queue.claim({ workerId: 'worker-a' });
    expect(claimed?.run_id).toBe(a.run_id);

    const { job, next } = await queue.completeAndClaim(claimed!, { result: 'a' }, { workerId: 'worker-b' });
    expect(job).toMatchObject({ run_id: a.run_id, status: 'succeeded', result: 'a', lease_owner: null });
    expect(next).toMatchObject({ run_id: b.run_id, status: 'running', attempts: 1 });
    expect(next!.lease_owner.startsWith('worker-b/')).toBe(true);

    // A completion the attempt no longer owns is refused, and nothing is claimed with it: the next job
    // (BullMQ: its message, held since b's acknowledgement) is there at once for the next claim.
    await expect(
      queue.completeAndClaim(claimed!, { result: 'again' }, { workerId: 'worker-c' }),
    ).rejects.toBeInstanceOf(LeaseLostError);
    expect(await queue.get(c.run_id)).toMatchObject({ status: 'queued', attempts: 0 });
    expect((await queue.get(a.run_id)).result).toBe('a');
    expect(await queue.claim({ workerId: 'worker-c' })).toMatchObject({ run_id: c.run_id, attempts: 1 });
    // Nothing else due: completed, no claim.
    const { next: none } = await queue.completeAndClaim(next!, {}, { workerId: 'worker-b', queues: ['other'] });
    expect(none).toBeNull();
    expect(await queue.get(b.run_id)).toMatchObject({ status: 'succeeded' });
  });

  it("logs each job's lines with the worker's and the job's bindings, and the handler's own fields", async () => {
    const lines: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
    const record = (level: string) => (obj: object, msg?: string) =>
      void lines.push({ level, obj: obj as Record<string, unknown>, msg });
    const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
    const job = await queue.enqueue(plan(1));
    await runner({ alpha_job: async (_job, ctx) => ctx.log.info({ step: 'x' }, 'inside') }, { logger }).drain();
    const bindings = { worker_id: 'test-worker', run_id: job.run_id, job_type: 'alpha_job', attempt: 1 };
    expect(lines.find((line) => line.msg === 'inside')?.obj).toEqual({ ...bindings, step: 'x' });
    expect(lines.find((line) => line.msg === 'job completed')?.obj).toEqual(bindings);
  });

  it('enqueues a queued ledger row with the payload, links and defaults', async () => {
    const job = await queue.enqueue({
      job_type: 'step_job',
      payload: { step_run_id: 7, protocol_run_id: 3, project_id: 1, request_id: 'req-1' },
    });
    expect(job).toMatchObject({
      job_type: 'step_job',
      status: 'queued',
      queue: 'default',
      attempts: 0,
      max_attempts: 3,
      priority: 0,
      params: { step_run_id: 7, protocol_run_id: 3, project_id: 1, request_id: 'req-1' },
      project_id: 1,
      protocol_run_id: 3,
      step_run_id: 7,
      run_at: START,
      created_at: START,
      started_at: null,
      finished_at: null,
      result: null,
      error: null,
      lease_owner: null,
      timeout_seconds: 3600,
    });
    expect(await queue.get(job.run_id)).toEqual(await queue.find(job.run_id));
    await expect(queue.get('missing')).rejects.toBeInstanceOf(NotFoundError);
    // The embedded backend's table is its transport: its jobs are inserted delivered, never relayed.
    if (h.name !== 'bullmq') expect(job.published_at).toBe(job.created_at);
    if (h.name === 'bullmq') {
      expect(job.published_at).toBeNull();
      expect(await h.bullQueue().getJobState(job.run_id)).toBe('prioritized');
      // Published spells are recorded in batches, shortly after.
      await waitFor(async () => (await queue.get(job.run_id)).published_at !== null, 'published_at');
    }
  });

  it('lists only the jobs of the given projects (a request scope); an empty scope lists nothing', async () => {
    const ofOne = await queue.enqueue({
      job_type: 'step_job',
      payload: { step_run_id: 7, protocol_run_id: 3, project_id: 1 },
    });
    const ofTwo = await queue.enqueue({
      job_type: 'step_job',
      payload: { step_run_id: 8, protocol_run_id: 4, project_id: 2 },
    });
    await queue.enqueue(plan(5));
    expect((await queue.list({ project_ids: [2] })).items.map((j) => j.run_id)).toEqual([ofTwo.run_id]);
    expect((await queue.list({ project_ids: [1, 2] })).items.map((j) => j.run_id).sort()).toEqual(
      [ofOne.run_id, ofTwo.run_id].sort(),
    );
    expect((await queue.list({ project_ids: [] })).items).toEqual([]);
    expect((await queue.list()).items).toHaveLength(3);
  });

  it("stats({ project_ids }) counts only those projects' jobs", async () => {
    await queue.enqueue({
      job_type: 'step_job',
      payload: { step_run_id: 7, protocol_run_id: 3, project_id: 1 },
    });
    await queue.enqueue({
      job_type: 'step_job',
      payload: { step_run_id: 8, protocol_run_id: 4, project_id: 2 },
    });
    await queue.enqueue({
      job_type: 'step_job',
      payload: { step_run_id: 9, protocol_run_id: 4, project_id: 2 },
      queue: 'other',
    });
    expect((await queue.stats()).queues.default?.queued).toBe(2);
    const two = await queue.stats({ project_ids: [2] });
    expect(two.backend).toBe(h.name === 'bullmq' ? 'bullmq' : 'embedded');
    expect(two.queues.default).toMatchObject({ queued: 1, running: 0 });
    expect(two.queues.other).toMatchObject({ queued: 1 });
    const one = await queue.stats({ project_ids: [1] });
    expect(one.queues.default).toMatchObject({ queued: 1 });
    expect(one.queues.other).toBeUndefined();
    const none = await queue.stats({ project_ids: [] });
    expect(none.queues).toEqual({
      default: { queued: 0, delayed: 0, retrying: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 },
    });
  });

  it('enqueues inside the caller transaction: a rollback leaves no job and publishes nothing', async () => {
    await expect(
      h.storage.transaction(async (tx) => {
        await queue.enqueue(plan(1), { tx });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await queue.list()).items).toHaveLength(0);
    if (h.name === 'bullmq') {
      const counts = await h.bullQueue().getJobCounts();
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
    }

    const committed = await h.storage.transaction((tx) => queue.enqueue(plan(2), { tx }));
    expect((await queue.get(committed.run_id)).status).toBe('queued');
    if (h.name === 'bullmq') expect(await h.bullQueue().getJobState(committed.run_id)).not.toBe('unknown');
    const handled: number[] = [];
    expect(await runner({ alpha_job: async (job) => void handled.push(job.payload.protocol_run_id) }).drain()).toBe(1);
    expect(handled).toEqual([2]);
  });

  it('returns the existing job for a repeated idempotency key, also under concurrent enqueues', async () => {
    const first = await queue.enqueue(plan(1, { idempotency_key: 'run-1' }));
    const again = await queue.enqueue(plan(1, { idempotency_key: 'run-1' }));
    expect(again.run_id).toBe(first.run_id);

    const racing = await Promise.all(
      Array.from({ length: 8 }, () => queue.enqueue(plan(2, { idempotency_key: 'run-2' }))),
    );
    expect(new Set(racing.map((job) => job.run_id)).size).toBe(1);

    const inTx = await h.storage.transaction((tx) => queue.enqueue(plan(1, { idempotency_key: 'run-1' }), { tx }));
    expect(inTx.run_id).toBe(first.run_id);
    await expect(
      queue.enqueue({ job_type: 'other_job', payload: { protocol_run_id: 1 }, idempotency_key: 'run-1' }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await queue.list()).items).toHaveLength(2);

    const handled: number[] = [];
    expect(await runner({ alpha_job: async (job) => void handled.push(job.payload.protocol_run_id) }).drain()).toBe(2);
    expect(handled.sort()).toEqual([1, 2]);
  });

  it('rejects a bad payload or bad options at enqueue with the field path, writing nothing', async () => {
    const issuesOf = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).issues.map((issue) => issue.path.join('.'));
    };
    expect(await issuesOf(queue.enqueue({ job_type: 'alpha_job', payload: {} as never }))).toEqual([
      'payload.protocol_run_id',
    ]);
    expect(await issuesOf(queue.enqueue({ job_type: 'step_job', payload: { step_run_id: 'seven' as never } }))).toEqual(
      ['payload.step_run_id'],
    );
    expect(
      await issuesOf(queue.enqueue({ job_type: 'other_job', payload: { protocol_run_id: 1, branch: 'x' } as never })),
    ).toEqual(['payload']);
    expect(await issuesOf(queue.enqueue({ job_type: 'nope_job' as never, payload: {} as never }))).toEqual([
      'job_type',
    ]);
    expect(await issuesOf(queue.enqueue(plan(1, { priority: 1.5 })))).toEqual(['priority']);
    expect(await issuesOf(queue.enqueue(plan(1, { delay_ms: 10, run_at: START })))).toEqual(['run_at']);
    expect((await queue.list()).items).toHaveLength(0);
  });

  it('fails a job whose stored payload no longer validates, without calling the handler and without retrying', async () => {
    const job = await enqueueRewritten({ params: JSON.stringify({ protocol_run_id: 'x' }) });
    const calls: string[] = [];
    const metrics = recordMetrics();
    await runner({ alpha_job: async () => void calls.push('called') }, { metrics: metrics.hooks }).drain();
    const failed = await queue.get(job.run_id);
    expect(calls).toEqual([]);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.error).toContain('Invalid alpha_job payload');
    expect(metrics.seen.map((m) => m.outcome)).toEqual(['failed']);
  });

  it('fails an unknown job type at once instead of reporting success', async () => {
    const job = await enqueueRewritten({ job_type: 'mystery_job' });
    const other = await queue.enqueue({ job_type: 'other_job', payload: { protocol_run_id: 2 } });
    await runner({ alpha_job: async () => undefined }).drain();
    await expectFailedOnce(job.run_id, 'UnknownJobTypeError: unknown job type: mystery_job');
    // A known type without a handler in this worker is the same non-retryable failure.
    await expectFailedOnce(other.run_id, 'UnknownJobTypeError: unknown job type: other_job');
  });

  it('does not run a delayed job before it is due', async () => {
    const job = await queue.enqueue(plan(1, { delay_ms: 60_000 }));
    expect(job.run_at).toBe('2026-03-01T10:01:00.000Z');
    const handled: string[] = [];
    const worker = runner({ alpha_job: async (j) => void handled.push(j.run_id) });
    expect(await worker.drain()).toBe(0);
    expect((await queue.stats()).queues.default).toMatchObject({ queued: 0, delayed: 1 });
    clock.advance(59_000);
    expect(await worker.drain()).toBe(0);
    clock.advance(1_000);
    expect(await worker.drain()).toBe(1);
    expect(handled).toEqual([job.run_id]);
    expect((await queue.get(job.run_id)).status).toBe('succeeded');

    const at = await queue.enqueue(plan(2, { run_at: new Date('2026-03-01T11:00:00.000Z') }));
    expect(at.run_at).toBe('2026-03-01T11:00:00.000Z');
  });

  it('runs due jobs by priority, highest first', async () => {
    for (const priority of [0, 10, 5, -3]) await queue.enqueue(plan(100 + priority, { priority }));
    const order: number[] = [];
    await runner({ alpha_job: async (job) => void order.push(job.priority) }, { concurrency: 1 }).drain();
    expect(order).toEqual([10, 5, 0, -3]);
  });

  it('retries a retryable error with backoff and records the attempt', async () => {
    const backoffCalls: number[] = [];
    queue = h.createQueue({
      clock,
      backoff: (attempt) => {
        backoffCalls.push(attempt);
        return 5_000;
      },
    });
    const job = await queue.enqueue(plan(1));
    let calls = 0;
    const metrics = recordMetrics();
    const worker = runner(
      {
        alpha_job: async () => {
          calls++;
          if (calls === 1) throw new EngineError('engine crashed');
          return { result: { ok: true } };
        },
      },
      { metrics: metrics.hooks },
    );
    expect(await worker.drain()).toBe(1);
    const waiting = await queue.get(job.run_id);
    expect(waiting).toMatchObject({
      status: 'queued',
      attempts: 1,
      error: 'EngineError: engine crashed',
      lease_owner: null,
      run_at: '2026-03-01T10:00:05.000Z',
    });
    expect(backoffCalls).toEqual([1]);
    expect((await queue.stats()).queues.default).toMatchObject({ delayed: 1, retrying: 1, queued: 0 });

    clock.advance(5_000);
    expect(await worker.drain()).toBe(1);
    expect(await queue.get(job.run_id)).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      error: null,
      result: { ok: true },
    });
    expect(metrics.seen.map((m) => m.outcome)).toEqual(['retried', 'completed']);
    expect(metrics.seen.every((m) => m.jobType === 'alpha_job' && m.duration >= 0)).toBe(true);
  });

  it('fails a non-retryable error at once', async () => {
    const a = await queue.enqueue(plan(1));
    const b = await queue.enqueue(plan(2));
    await runner({
      alpha_job: async (job) => {
        if (job.payload.protocol_run_id === 1) throw new ValidationError('bad spec');
        throw new BudgetExceededError('over budget');
      },
    }).drain();
    await expectFailedOnce(a.run_id, 'ValidationError: bad spec');
    await expectFailedOnce(b.run_id, 'BudgetExceededError: over budget');
    expect((await queue.get(a.run_id)).finished_at).toBe(START);
  });

  it('dead-letters a job after max attempts; retry() queues it again with attempts reset', async () => {
    const job = await queue.enqueue(plan(1, { max_attempts: 2 }));
    let healthy = false;
    const worker = runner({
      alpha_job: async () => {
        if (!healthy) throw new Error('flaky network');
      },
    });
    expect(await worker.drain()).toBe(2);
    const dead = await queue.get(job.run_id);
    expect(dead).toMatchObject({ status: 'failed', attempts: 2, error: 'Error: flaky network' });
    expect((await queue.list({ status: 'failed' })).items.map((j) => j.run_id)).toEqual([job.run_id]);
    expect((await queue.stats()).queues.default.failed).toBe(1);

    await expect(queue.retry('missing')).rejects.toBeInstanceOf(NotFoundError);
    const requeued = await queue.retry(job.run_id);
    expect(requeued).toMatchObject({ status: 'queued', attempts: 0, error: null, finished_at: null });
    await expect(queue.retry(job.run_id)).rejects.toBeInstanceOf(ConflictError);
    healthy = true;
    expect(await worker.drain()).toBe(1);
    expect(await queue.get(job.run_id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    await expect(queue.retry(job.run_id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('tells onFinalFailure once per job that failed for good, never for a retried attempt', async () => {
    const fatal = await queue.enqueue(plan(1));
    const exhausted = await queue.enqueue(plan(2, { max_attempts: 2 }));
    const recovered = await queue.enqueue(plan(3, { max_attempts: 2 }));
    const told: { run_id: string; status: string; error: unknown }[] = [];
    const answers: boolean[] = [];
    await runner(
      {
        alpha_job: async (job, ctx) => {
          if (job.payload.protocol_run_id === 1) throw new ValidationError('bad spec');
          const flaky = new EngineError('flaky');
          answers.push(ctx.willRetry(flaky));
          if (job.payload.protocol_run_id === 2 || ctx.attempt === 1) throw flaky;
        },
      },
      { onFinalFailure: (job, error) => void told.push({ run_id: job.run_id, status: job.status, error }) },
    ).drain();
    const byRun = new Map(told.map((t) => [t.run_id, t]));
    expect(told).toHaveLength(2);
    expect(byRun.get(fatal.run_id)).toMatchObject({ status: 'failed', error: expect.any(ValidationError) });
    expect(byRun.get(exhausted.run_id)).toMatchObject({ status: 'failed', error: expect.any(EngineError) });
    // The handler's view of the same rule: retried on a first attempt of two, not on the last.
    expect(answers.sort()).toEqual([false, false, true, true]);
    expect(await queue.get(recovered.run_id)).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('tells onFinalFailure about a stored payload that no longer validates', async () => {
    const job = await enqueueRewritten({ params: JSON.stringify({ protocol_run_id: 'x' }) });
    const told: string[] = [];
    await runner({ alpha_job: async () => undefined }, { onFinalFailure: (j) => void told.push(j.run_id) }).drain();
    expect(told).toEqual([job.run_id]);
  });

  it('takes the idempotency key, links and default options from the registered job type', async () => {
    const first = await queue.enqueue({ job_type: 'keyed_job', payload: { protocol_run_id: 5 } });
    expect(first).toMatchObject({ idempotency_key: 'keyed:5:1', queue: 'keyed', priority: 7, protocol_run_id: 5 });
    // The sequence counts the type's jobs of the same subject: the next job of it gets the next key.
    expect((await queue.enqueue({ job_type: 'keyed_job', payload: { protocol_run_id: 5 } })).idempotency_key).toBe(
      'keyed:5:2',
    );
    expect((await queue.enqueue({ job_type: 'keyed_job', payload: { protocol_run_id: 6 } })).idempotency_key).toBe(
      'keyed:6:1',
    );
    // Two callers that counted the same jobs (racing transactions) compute the same key: one job.
    const raced = await queue.enqueue({
      job_type: 'keyed_job',
      payload: { protocol_run_id: 6 },
      idempotency_key: 'keyed:6:1',
    });
    expect(raced.run_id).not.toBe(first.run_id);
    expect((await queue.list({ job_type: 'keyed_job' })).items).toHaveLength(3);
    // A key given by the caller wins; alpha_job registers none.
    expect(
      await queue.enqueue({ job_type: 'keyed_job', payload: { protocol_run_id: 5 }, idempotency_key: 'mine' }),
    ).toMatchObject({ idempotency_key: 'mine' });
    expect((await queue.enqueue(plan(5))).idempotency_key).toBeNull();
  });

  it('aborts a handler past its timeout and treats the timeout as retryable', async () => {
    const job = await queue.enqueue(plan(1, { timeout_seconds: 1, max_attempts: 2 }));
    const reasons: unknown[] = [];
    await runner({
      alpha_job: async (_job, ctx) => {
        if (ctx.attempt === 1) {
          await untilAborted(ctx.signal, reasons);
        }
        return { result: 'second time lucky' };
      },
    }).drain();
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(TimeoutError);
    expect(await queue.get(job.run_id)).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      result: 'second time lucky',
    });

    const stubborn = await queue.enqueue(plan(2, { timeout_seconds: 1, max_attempts: 1 }));
    // A handler that ignores its signal is abandoned after the grace period.
    await runner({ alpha_job: () => new Promise(() => undefined) }, { abortGraceMs: 50 }).drain();
    const failed = await queue.get(stubborn.run_id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.error).toBe('TimeoutError: Job exceeded its timeout of 1s');
  });

  it('cancels a queued job at once; it never runs', async () => {
    const job = await queue.enqueue(plan(1));
    const cancelled = await queue.cancel(job.run_id);
    expect(cancelled).toMatchObject({ status: 'cancelled', error: 'cancelled by request', finished_at: START });
    expect(await queue.cancel(job.run_id)).toMatchObject({ status: 'cancelled' });
    const calls: string[] = [];
    const worker = runner({ alpha_job: async (j) => void calls.push(j.run_id) });
    expect(await worker.drain()).toBe(0);
    expect(calls).toEqual([]);
    await expect(queue.cancel('missing')).rejects.toBeInstanceOf(NotFoundError);

    await queue.retry(job.run_id);
    expect(await worker.drain()).toBe(1);
    await expect(queue.cancel(job.run_id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('gives a handler that first reads its signal after the abort a signal already aborted with the reason', async () => {
    const job = await queue.enqueue(plan(1));
    const started = deferred();
    const proceed = deferred();
    const seen: unknown[] = [];
    const run = runner({
      alpha_job: async (_job, ctx) => {
        started.resolve();
        await proceed.promise;
        // The runner makes the signal when the handler first asks for it.
        seen.push(ctx.signal.aborted, ctx.signal.reason);
      },
    }).runOnce();
    await started.promise;
    expect(await queue.cancel(job.run_id)).toMatchObject({ status: 'running', cancel_requested: true });
    proceed.resolve();
    expect(await run).toBe(1);
    expect(seen[0]).toBe(true);
    expect(seen[1]).toBeInstanceOf(CancelledError);
  });

  it.each(['the same queue object', 'another process'])(
    'cancels a running job requested through %s: the handler sees the abort',
    async (via) => {
      const job = await queue.enqueue(plan(1));
      const started = deferred();
      const reasons: unknown[] = [];
      const metrics = recordMetrics();
      const reported: QueueJob[] = [];
      const run = runner(
        {
          alpha_job: async (_job, ctx) => {
            ctx.addUsage({ tokens: 12 });
            started.resolve();
            await untilAborted(ctx.signal, reasons);
          },
        },
        { metrics: metrics.hooks, onCancelled: (cancelledJob) => void reported.push(cancelledJob) },
      ).runOnce();
      await started.promise;
      const requester = via === 'the same queue object' ? queue : h.createQueue({ clock });
      const requested = await requester.cancel(job.run_id);
      expect(requested).toMatchObject({ status: 'running', cancel_requested: true });
      expect(await run).toBe(1);
      expect(reasons[0]).toBeInstanceOf(CancelledError);
      expect(await queue.get(job.run_id)).toMatchObject({
        status: 'cancelled',
        attempts: 1,
        error: 'cancelled by request',
        lease_owner: null,
        cost_tokens: 12,
      });
      expect(metrics.seen.map((m) => m.outcome)).toEqual(['cancelled']);
      // The owner of the job hears of it (the orchestrator moves the job's step on).
      expect(reported.map((j) => [j.run_id, j.status])).toEqual([[job.run_id, 'cancelled']]);
    },
  );

  it('reclaims a job whose lease expired and fences the stale worker out', async () => {
    const job = await queue.enqueue(plan(1));
    const stale = await queue.claim({ workerId: 'worker-a', leaseSeconds: 30 });
    expect(stale).toMatchObject({
      run_id: job.run_id,
      status: 'running',
      attempts: 1,
      lease_expires_at: '2026-03-01T10:00:30.000Z',
      started_at: START,
    });
    expect(stale!.lease_owner.startsWith('worker-a/')).toBe(true);
    expect(await queue.claim({ workerId: 'worker-b' })).toBeNull();
    await queue.heartbeat(stale!, 30);

    clock.advance(29_000);
    expect(await queue.reclaimExpired()).toEqual([]);
    clock.advance(31_001);
    const other = h.createQueue({ clock });
    const reclaimed = await other.reclaimExpired();
    expect(reclaimed.map((j) => [j.run_id, j.status])).toEqual([[job.run_id, 'queued']]);
    expect(reclaimed[0]!.error).toContain('lease expired');

    const fresh = await other.claim({ workerId: 'worker-b' });
    expect(fresh).toMatchObject({ run_id: job.run_id, attempts: 2 });
    await expect(queue.complete(stale!, { result: 'stale' })).rejects.toBeInstanceOf(LeaseLostError);
    await expect(queue.heartbeat(stale!)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(queue.fail(stale!, new Error('late'))).rejects.toBeInstanceOf(LeaseLostError);
    expect(await other.complete(fresh!, { result: 'fresh' })).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      result: 'fresh',
      lease_owner: null,
    });
    await expect(other.complete(fresh!, { result: 'twice' })).rejects.toBeInstanceOf(LeaseLostError);
    expect((await queue.get(job.run_id)).result).toBe('fresh');

    // Out of attempts, an expired lease dead-letters the job.
    const last = await queue.enqueue(plan(2, { max_attempts: 1 }));
    await queue.claim({ workerId: 'worker-a', leaseSeconds: 5 });
    clock.advance(6_000);
    await queue.reclaimExpired();
    expect(await queue.get(last.run_id)).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('tells the runner owner about a job whose worker died on its last attempt (dead-lettered by reclaim)', async () => {
    const last = await queue.enqueue(plan(3, { max_attempts: 1 }));
    const retryable = await queue.enqueue(plan(4, { max_attempts: 2 }));
    // Two workers claim and die without a word.
    await queue.claim({ workerId: 'dead-1', leaseSeconds: 5 });
    await queue.claim({ workerId: 'dead-2', leaseSeconds: 5 });
    clock.advance(6_000);
    const deadLettered: string[] = [];
    const errors: unknown[] = [];
    const handled: number[] = [];
    const survivor = runner(
      { alpha_job: async (job) => void handled.push(job.payload.protocol_run_id) },
      {
        onFinalFailure: (job, error) => {
          deadLettered.push(`${job.run_id}:${job.status}`);
          errors.push(error);
        },
      },
    );
    await survivor.drain();
    await survivor.drain();
    // Exactly once, with the lease expiry as the error; never for the job that had an attempt left.
    expect(deadLettered).toEqual([`${last.run_id}:failed`]);
    expect(errors[0]).toBeInstanceOf(LeaseExpiredError);
    expect((errors[0] as Error).message).toMatch(/^lease expired: worker dead-[12]\/\w+ stopped heartbeating$/);
    expect(await queue.get(last.run_id)).toMatchObject({ status: 'failed' });
    // The job with an attempt left went back to the queue instead, and ran.
    expect(handled).toEqual([4]);
    expect(await queue.get(retryable.run_id)).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('keeps the lease of a running job alive with heartbeats, so reclaim leaves it alone', async () => {
    const job = await queue.enqueue(plan(1));
    const started = deferred();
    const release = deferred();
    const run = runner(
      {
        alpha_job: async () => {
          started.resolve();
          await release.promise;
          return { result: 'kept' };
        },
      },
      { leaseSeconds: 30 },
    ).runOnce();
    await started.promise;
    expect((await queue.get(job.run_id)).lease_expires_at).toBe('2026-03-01T10:00:30.000Z');
    clock.advance(20_000);
    await waitFor(
      async () => (await queue.get(job.run_id)).lease_expires_at === '2026-03-01T10:00:50.000Z',
      'a heartbeat',
    );
    clock.advance(20_000);
    await waitFor(
      async () => (await queue.get(job.run_id)).lease_expires_at === '2026-03-01T10:01:10.000Z',
      'another heartbeat',
    );
    expect(await h.createQueue({ clock }).reclaimExpired()).toEqual([]);
    release.resolve();
    expect(await run).toBe(1);
    expect(await queue.get(job.run_id)).toMatchObject({ status: 'succeeded', attempts: 1, result: 'kept' });
  });

  it('aborts a handler whose lease was lost and records nothing for it', async () => {
    const job = await queue.enqueue(plan(1));
    const started = deferred();
    const proceed = deferred();
    const seen: unknown[] = [];
    const metrics = recordMetrics();
    const run = runner(
      {
        alpha_job: async (_job, ctx) => {
          started.resolve();
          await proceed.promise;
          await ctx.heartbeat().catch((error: unknown) => seen.push(error));
          seen.push(ctx.signal.reason);
          return { result: 'stale' };
        },
      },
      { heartbeatIntervalMs: 60_000, metrics: metrics.hooks },
    ).runOnce();
    await started.promise;
    clock.advance(31_000);
    const other = h.createQueue({ clock });
    await other.reclaimExpired();
    const fresh = await other.claim({ workerId: 'other' });
    expect(fresh?.attempts).toBe(2);
    proceed.resolve();
    expect(await run).toBe(1);
    expect(seen[0]).toBeInstanceOf(LeaseLostError);
    expect(seen[1]).toBeInstanceOf(LeaseLostError);
    expect(metrics.seen.map((m) => m.outcome)).toEqual(['lease_lost']);
    expect(await queue.get(job.run_id)).toMatchObject({ status: 'running', attempts: 2, result: null });
    await other.complete(fresh!, { result: 'fresh' });
    expect(await queue.get(job.run_id)).toMatchObject({ status: 'succeeded', result: 'fresh' });
  });

  it('reports stats per status and queue, and lists jobs by status with pagination', async () => {
    queue = h.createQueue({ clock, backoff: () => 60_000 });
    const running = await queue.enqueue(plan(1));
    expect((await queue.claim({ workerId: 'stats' }))?.run_id).toBe(running.run_id);
    await queue.enqueue(plan(2));
    await queue.enqueue(plan(3));
    await queue.enqueue(plan(4));
    await runner({
      alpha_job: async (job) => {
        if (job.payload.protocol_run_id === 3) throw new ValidationError('no');
        if (job.payload.protocol_run_id === 4) throw new EngineError('later');
      },
    }).drain();
    const cancelled = await queue.enqueue(plan(5));
    await queue.cancel(cancelled.run_id);
    await queue.enqueue(plan(6));
    await queue.enqueue(plan(7, { delay_ms: 1_000 }));
    await queue.enqueue(plan(8, { queue: 'other' }));

    const stats = await queue.stats();
    expect(stats.backend).toBe(h.name === 'bullmq' ? 'bullmq' : 'embedded');
    expect(stats.queues.default).toEqual({
      queued: 1,
      delayed: 2,
      retrying: 1,
      running: 1,
      succeeded: 1,
      failed: 1,
      cancelled: 1,
    });
    expect(stats.queues.other).toEqual({
      queued: 1,
      delayed: 0,
      retrying: 0,
      running: 0,
      succeeded: 0,
      failed: 0,
      cancelled: 0,
    });

    expect((await queue.list({ status: 'running' })).items.map((j) => j.run_id)).toEqual([running.run_id]);
    expect((await queue.list({ status: 'queued', queue: 'other' })).items).toHaveLength(1);
    expect((await queue.list({ job_type: 'other_job' })).items).toHaveLength(0);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await queue.list({ limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((j) => j.run_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    await expect(queue.list({ cursor: 'garbage' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('keeps the ledger up to date: timestamps, result, log path and usage summed over attempts', async () => {
    const job = await queue.enqueue(plan(1));
    await runner({
      alpha_job: async (_job, ctx) => {
        clock.advance(1_000);
        if (ctx.attempt === 1) {
          ctx.addUsage({ tokens: 10, cost_cents: 0.5 });
          ctx.setLogPath('/runs/first.log');
          throw new EngineError('try again');
        }
        ctx.addUsage({ tokens: 100, cost_cents: 2 });
        return { result: { summary: 'done' }, log_path: '/runs/final.log', usage: { tokens: 50 } };
      },
    }).drain();
    const done = await queue.get(job.run_id);
    expect(done).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      result: { summary: 'done' },
      error: null,
      log_path: '/runs/final.log',
      cost_tokens: 160,
      cost_cents: 2.5,
      lease_owner: null,
      lease_expires_at: null,
      started_at: '2026-03-01T10:00:01.000Z',
      finished_at: '2026-03-01T10:00:02.000Z',
    });
  });

  it('relays jobs whose publication never happened or whose message vanished', async () => {
    // The afterCommit hook is dropped, as if the process died right after the commit.
    const lost = await h.storage.transaction((tx) =>
      queue.enqueue(plan(1), { tx: { executor: tx.executor, afterCommit: () => undefined } }),
    );
    // Embedded: delivered by the insert itself, so no crash can leave it unpublished.
    expect((await queue.get(lost.run_id)).published_at).toBe(h.name === 'bullmq' ? null : lost.created_at);
    const vanished = await queue.enqueue(plan(2));
    if (h.name === 'bullmq') {
      expect(await h.bullQueue().getJobState(lost.run_id)).toBe('unknown');
      await h.bullQueue().remove(vanished.run_id);
    }
    const handled: number[] = [];
    expect(await runner({ alpha_job: async (job) => void handled.push(job.payload.protocol_run_id) }).drain()).toBe(2);
    expect(handled.sort()).toEqual([1, 2]);
    if (h.name === 'bullmq') expect((await queue.get(lost.run_id)).status).toBe('succeeded');
    expect(await queue.publishPending()).toBe(0);
  });

  it('runs every job exactly once with two workers competing for the queue', async () => {
    const jobs = await Promise.all(Array.from({ length: 40 }, (_, i) => queue.enqueue(plan(i + 1))));
    const other = h.createQueue({ clock, handle: h.openHandle() });
    const runs: string[] = [];
    const handlers: TestJobHandlers = {
      alpha_job: async (job) => {
        runs.push(job.run_id);
        await new Promise((resolve) => setImmediate(resolve));
      },
    };
    const workers = [
      runner(handlers, { concurrency: 3, workerId: 'w1' }),
      runner(handlers, { queue: other, concurrency: 3, workerId: 'w2' }),
    ];
    workers.forEach((worker) => worker.start());
    try {
      await waitFor(async () => (await queue.stats()).queues.default.succeeded === jobs.length, 'all jobs to succeed');
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
    expect(runs.sort()).toEqual(jobs.map((job) => job.run_id).sort());
    const attempts = await h.handle.db.selectFrom('job_runs').select('attempts').distinct().execute();
    expect(attempts.map((row) => Number(row.attempts))).toEqual([1]);
  });

  it('takes the next job with the finish of one while started, and gives it back when stopping meanwhile', async () => {
    const first = await queue.enqueue(plan(1));
    clock.advance(1);
    const second = await queue.enqueue(plan(2));
    const finished: string[] = [];
    const handled: number[] = [];
    let stopped: Promise<void> | undefined;
    // The runner is told to stop while its finish of the first job (and claim of the next) is under way.
    const stopsMidway: JobQueue = {
      ...queue,
      completeAndClaim: (job, outcome, next) => {
        finished.push(job.run_id);
        stopped ??= worker.stop();
        return queue.completeAndClaim(job, outcome, next);
      },
    };
    const worker = runner(
      { alpha_job: async (job) => void handled.push(job.payload.protocol_run_id) },
      { queue: stopsMidway },
    );
    worker.start();
    await waitFor(() => stopped !== undefined, 'the runner to stop while finishing a job');
    await stopped;
    expect(finished).toEqual([first.run_id]);
    expect(handled).toEqual([1]);
    expect(await queue.get(first.run_id)).toMatchObject({ status: 'succeeded' });
    // Claimed with that finish (embedded) and released, or never claimed (BullMQ): queued, no attempt counted.
    expect(await queue.get(second.run_id)).toMatchObject({ status: 'queued', attempts: 0, lease_owner: null });
  });

  it('does not wake an idle loop to claim again when a finish already looked for the next job (embedded)', async () => {
    // BullMQ's finish claims nothing (its claims come off Redis), so a finish still wakes its loop.
    if (h.name === 'bullmq') return;
    let claims = 0;
    let reads = 0;
    const loopIdle = deferred();
    const finished = deferred();
    const counted: JobQueue = {
      ...queue,
      // No wake-ups from other processes (SQLite's channel pokes once when it connects): only this test pokes.
      watch: () => ({ live: false, stop: async () => undefined }),
      claim: (options) => {
        claims++;
        return queue.claim(options);
      },
      nextRunAt: async (queues) => {
        const next = await queue.nextRunAt(queues);
        // The second read is the loop going idle after claiming the job: let the job finish then.
        if (++reads === 2) setImmediate(loopIdle.resolve);
        return next;
      },
    };
    const worker = runner(
      { alpha_job: () => loopIdle.promise },
      {
        queue: counted,
        concurrency: 2,
        pollIntervalMs: 60_000,
        maxPollIntervalMs: 60_000,
        metrics: { onJobFinished: () => finished.resolve() },
      },
    );
    worker.start();
    await waitFor(() => reads === 1, 'the loop to go idle');
    const job = await queue.enqueue(plan(1));
    await finished.promise;
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(await queue.get(job.run_id)).toMatchObject({ status: 'succeeded' });
    // Idle (1), the job and the look for another (2, 3); the finish found none due: no fourth claim.
    expect({ claims, reads }).toEqual({ claims: 3, reads: 2 });
  });

  it('leaves a job enqueued during a finish to that finish instead of waking the loop for it (embedded)', async () => {
    if (h.name === 'bullmq') return;
    let claims = 0;
    let reads = 0;
    let second: QueueJob | undefined;
    const loopIdle = deferred();
    const bothFinished = deferred();
    let finishedJobs = 0;
    const counted: JobQueue = {
      ...queue,
      watch: () => ({ live: false, stop: async () => undefined }),
      claim: (options) => {
        claims++;
        return queue.claim(options);
      },
      nextRunAt: async (queues) => {
        const next = await queue.nextRunAt(queues);
        if (++reads === 2) setImmediate(loopIdle.resolve);
        return next;
      },
      completeAndClaim: async (job, outcome, next) => {
        // A producer enqueues while the first job's finish is under way.
        second ??= await queue.enqueue(plan(2));
        return queue.completeAndClaim(job, outcome, next);
      },
    };
    const worker = runner(
      { alpha_job: (job) => (job.payload.protocol_run_id === 1 ? loopIdle.promise : Promise.resolve()) },
      {
        queue: counted,
        concurrency: 2,
        pollIntervalMs: 60_000,
        maxPollIntervalMs: 60_000,
        metrics: { onJobFinished: () => void (++finishedJobs === 2 && bothFinished.resolve()) },
      },
    );
    worker.start();
    await waitFor(() => reads === 1, 'the loop to go idle');
    const first = await queue.enqueue(plan(1));
    await bothFinished.promise;
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(await queue.get(first.run_id)).toMatchObject({ status: 'succeeded' });
    expect(await queue.get(second!.run_id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    // Idle (1), the first job and the look for another (2, 3); the second came with the first's finish.
    expect({ claims, reads }).toEqual({ claims: 3, reads: 2 });
  });

  it('wakes the loop for a job enqueued during a finish that claimed before it was committed', async () => {
    let second: QueueJob | undefined;
    const late: JobQueue = {
      ...queue,
      watch: () => ({ live: false, stop: async () => undefined }),
      completeAndClaim: async (job, outcome, next) => {
        const done = await queue.completeAndClaim(job, outcome, next);
        // Committed after the finish's claim looked, while the finish is still under way.
        second ??= await queue.enqueue(plan(2));
        return done;
      },
    };
    const worker = runner(
      { alpha_job: async () => undefined },
      { queue: late, concurrency: 2, pollIntervalMs: 60_000, maxPollIntervalMs: 60_000 },
    );
    worker.start();
    const first = await queue.enqueue(plan(1));
    // No poll comes within the test: only a wake-up runs the second job.
    await waitFor(async () => second && (await queue.get(second.run_id)).status === 'succeeded', 'the second job');
    expect(await queue.get(first.run_id)).toMatchObject({ status: 'succeeded' });
  });

  it('picks up new jobs while started, and on graceful stop waits for quick jobs and releases the rest', async () => {
    const worker = runner(
      {
        alpha_job: async (job, ctx) => {
          if (job.payload.protocol_run_id === 1) return { result: 'quick' };
          slowStarted.resolve();
          await untilAborted(ctx.signal, slowReasons);
        },
      },
      { concurrency: 2 },
    );
    const slowStarted = deferred();
    const slowReasons: unknown[] = [];
    worker.start();
    worker.start();
    expect(worker.started).toBe(true);
    const quick = await queue.enqueue(plan(1));
    const slow = await queue.enqueue(plan(2));
    await slowStarted.promise;
    await waitFor(async () => (await queue.get(quick.run_id)).status === 'succeeded', 'the quick job');
    await waitFor(() => worker.activeJobs === 1, 'the quick job to leave the runner');
    await worker.stop({ graceful: true, timeoutMs: 100 });
    expect(worker.started).toBe(false);
    expect(slowReasons[0]).toBeInstanceOf(CancelledError);
    expect(await queue.get(slow.run_id)).toMatchObject({
      status: 'queued',
      attempts: 0,
      lease_owner: null,
      lease_expires_at: null,
    });

    // The released job runs on the next worker.
    const handled: number[] = [];
    expect(await runner({ alpha_job: async (job) => void handled.push(job.payload.protocol_run_id) }).drain()).toBe(1);
    expect(handled).toEqual([2]);
  });
});
