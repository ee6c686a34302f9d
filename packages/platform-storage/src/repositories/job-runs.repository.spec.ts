import { ConflictError, NotFoundError, ValidationError, type JobStatus } from '@tasksgodzilla/core';
import { BACKENDS, START, collectPages, rejection, useTestStorage } from '../test/test-storage.test-helpers.js';

describe.each(BACKENDS)('JobRunRepository on %s', (dialect) => {
  const { it } = useTestStorage(dialect);

  it('creates a queued ledger row with defaults and reads it back', async ({ storage }) => {
    const job = await storage.jobRuns.create({
      run_id: 'job-1',
      job_type: 'plan_protocol_job',
      params: { protocol_run_id: 1 },
      protocol_run_id: 1,
    });
    expect(job).toEqual({
      run_id: 'job-1',
      job_type: 'plan_protocol_job',
      status: 'queued',
      queue: 'default',
      attempts: 0,
      max_attempts: 3,
      params: { protocol_run_id: 1 },
      result: null,
      error: null,
      log_path: null,
      prompt_version: null,
      cost_tokens: null,
      cost_cents: null,
      project_id: null,
      protocol_run_id: 1,
      step_run_id: null,
      idempotency_key: null,
      priority: 0,
      run_at: '2026-11-27T17:00:00.000Z',
      lease_owner: null,
      lease_expires_at: null,
      created_at: '2026-11-27T17:00:00.000Z',
      updated_at: '2026-11-27T17:00:00.000Z',
      started_at: null,
      finished_at: null,
      timeout_seconds: null,
      cancel_requested: false,
      published_at: null,
    });
    expect(await storage.jobRuns.get('job-1')).toEqual(job);
    expect(await storage.jobRuns.find('nope')).toBeNull();
    const missing = await rejection(storage.jobRuns.get('nope'));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.message).toBe('JobRun nope not found');
  });

  it('normalizes given timestamps to ISO UTC with milliseconds', async ({ storage }) => {
    const job = await storage.jobRuns.create({
      run_id: 'j',
      job_type: 't',
      run_at: '2026-11-27T18:00:00+01:00',
      started_at: '2026-11-27T17:00:05Z',
    });
    expect(job.run_at).toBe('2026-11-27T17:00:00.000Z');
    expect(job.started_at).toBe('2026-11-27T17:00:05.000Z');
    await expect(storage.jobRuns.create({ run_id: 'k', job_type: 't', run_at: 'tomorrow' })).rejects.toThrow(
      ValidationError,
    );
  });

  it('maps duplicate run ids and idempotency keys to ConflictError', async ({ storage }) => {
    await storage.jobRuns.create({ run_id: 'a', job_type: 'open_pr_job', idempotency_key: 'click-1' });
    const dupId = await rejection(storage.jobRuns.create({ run_id: 'a', job_type: 'open_pr_job' }));
    expect(dupId).toBeInstanceOf(ConflictError);
    expect(dupId.message).toBe('JobRun a already exists');
    expect(dupId.code).toBe('job_run_exists');
    const dupKey = await rejection(
      storage.jobRuns.create({ run_id: 'b', job_type: 'open_pr_job', idempotency_key: 'click-1' }),
    );
    expect(dupKey).toBeInstanceOf(ConflictError);
    expect(dupKey.message).toBe("A job with idempotency key 'click-1' already exists");
    expect(dupKey.code).toBe('idempotency_key_exists');
    expect((await storage.jobRuns.findByIdempotencyKey('click-1'))?.run_id).toBe('a');
    expect(await storage.jobRuns.findByIdempotencyKey('click-2')).toBeNull();
    // Many jobs without a key are fine.
    await storage.jobRuns.create({ run_id: 'c', job_type: 't' });
    await storage.jobRuns.create({ run_id: 'd', job_type: 't' });
  });

  it('updates only the keys present, clears on null, and always bumps updated_at', async ({ storage, clock }) => {
    await storage.jobRuns.create({
      run_id: 'j',
      job_type: 'execute_step_job',
      log_path: '/runs/j/logs.txt',
      cost_tokens: 10,
      cost_cents: 1.5,
    });
    clock.advance(100);
    const failed = await storage.jobRuns.update('j', { error: 'boom', result: ['partial', 1] });
    expect(failed).toMatchObject({
      error: 'boom',
      result: ['partial', 1],
      cost_tokens: 10,
      cost_cents: 1.5,
      log_path: '/runs/j/logs.txt',
      updated_at: '2026-11-27T17:00:00.100Z',
    });
    const cleared = await storage.jobRuns.update('j', {
      error: null,
      cost_tokens: null,
      attempts: 2,
      finished_at: '2026-11-27T17:00:01.000Z',
    });
    expect(cleared).toMatchObject({
      error: null,
      cost_tokens: null,
      cost_cents: 1.5,
      result: ['partial', 1],
      attempts: 2,
      finished_at: '2026-11-27T17:00:01.000Z',
    });
    await expect(storage.jobRuns.update('missing', { error: 'x' })).rejects.toThrow(NotFoundError);
    await expect(storage.jobRuns.update('j', { attempts: null as never })).rejects.toThrow(ValidationError);
    await expect(storage.jobRuns.update('j', { cost_tokens: 1.5 })).rejects.toThrow(ValidationError);
  });

  it('checks status writes against the job transition table', async ({ storage }) => {
    await storage.jobRuns.create({ run_id: 'j', job_type: 't' });
    expect(
      await storage.jobRuns.update('j', { status: 'running', attempts: 1, started_at: '2026-11-27T17:00:00.000Z' }),
    ).toMatchObject({ status: 'running', attempts: 1 });
    // Repeating the current status is not a legal transition: pass `status` only to change it.
    const repeat = await rejection(storage.jobRuns.update('j', { status: 'running', cost_tokens: 5 }));
    expect(repeat.message).toBe('Illegal job transition running -> running');
    expect(await storage.jobRuns.update('j', { cost_tokens: 5 })).toMatchObject({ status: 'running', cost_tokens: 5 });
    expect(await storage.jobRuns.update('j', { status: 'succeeded', result: { status: 'completed' } })).toMatchObject({
      status: 'succeeded',
    });
    const illegal = await rejection(storage.jobRuns.update('j', { status: 'running', error: 'should not be written' }));
    expect(illegal).toBeInstanceOf(ConflictError);
    expect(illegal.message).toBe('Illegal job transition succeeded -> running');
    expect(await storage.jobRuns.get('j')).toMatchObject({ status: 'succeeded', error: null });
    await expect(storage.jobRuns.update('j', { status: 'bogus' as JobStatus })).rejects.toThrow(ValidationError);
    await expect(storage.jobRuns.update('missing', { status: 'running' })).rejects.toThrow(NotFoundError);
  });

  it('lets exactly one of several concurrent status changes from the same status win', async ({ storage }) => {
    await storage.jobRuns.create({ run_id: 'j', job_type: 't' });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => storage.jobRuns.update('j', { status: 'running', error: `worker-${i}` })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(losers).toHaveLength(4);
    // A loser either lost the compare-and-swap or read `running` already (running -> running is illegal).
    for (const loser of losers) {
      expect(loser.reason).toBeInstanceOf(ConflictError);
      expect(['JobRun j status conflict', 'Illegal job transition running -> running']).toContain(
        (loser.reason as Error).message,
      );
    }
    const winner = results.find(
      (r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof storage.jobRuns.get>>> => r.status === 'fulfilled',
    )!;
    expect((await storage.jobRuns.get('j')).error).toBe(winner.value.error);
  });

  it('lists newest first with filters, paging through equal timestamps by run_id', async ({ storage, clock }) => {
    for (const id of ['a', 'c', 'b', 'e', 'd'])
      await storage.jobRuns.create({
        run_id: id,
        job_type: id === 'e' ? 'spec_audit_job' : 'execute_step_job',
        protocol_run_id: 7,
      });
    clock.advance(1);
    await storage.jobRuns.create({
      run_id: 'z-old-name-new-time',
      job_type: 'execute_step_job',
      status: 'running',
      queue: 'other',
      step_run_id: 3,
    });

    const pages = await collectPages(
      (cursor) => storage.jobRuns.list({}, { limit: 4, cursor }),
      (j) => j.run_id,
    );
    expect(pages).toEqual([
      ['z-old-name-new-time', 'e', 'd', 'c'],
      ['b', 'a'],
    ]);

    const ids = async (filter: Parameters<typeof storage.jobRuns.list>[0]) =>
      (await storage.jobRuns.list(filter)).items.map((j) => j.run_id);
    expect(await ids({ job_type: 'spec_audit_job' })).toEqual(['e']);
    expect(await ids({ status: 'running' })).toEqual(['z-old-name-new-time']);
    expect(await ids({ queue: 'other', step_run_id: 3 })).toEqual(['z-old-name-new-time']);
    expect(await ids({ protocol_run_id: 7, job_type: 'execute_step_job' })).toEqual(['d', 'c', 'b', 'a']);
    expect(await ids({ project_id: 1 })).toEqual([]);
    expect(await storage.jobRuns.count({ protocol_run_id: 7, job_type: 'execute_step_job' })).toBe(4);
    expect(await storage.jobRuns.count({ project_ids: [] })).toBe(0);
    expect(await storage.jobRuns.count()).toBe(6);
  });

  it('sums tokens and cost per protocol run or step', async ({ storage }) => {
    await storage.jobRuns.create({
      run_id: '1',
      job_type: 't',
      protocol_run_id: 1,
      step_run_id: 10,
      cost_tokens: 100,
      cost_cents: 1.25,
    });
    await storage.jobRuns.create({
      run_id: '2',
      job_type: 't',
      protocol_run_id: 1,
      step_run_id: 11,
      cost_tokens: 50,
      cost_cents: 2.5,
    });
    await storage.jobRuns.create({ run_id: '3', job_type: 't', protocol_run_id: 1, step_run_id: 11 });
    await storage.jobRuns.create({ run_id: '4', job_type: 't', protocol_run_id: 2, cost_tokens: 7, cost_cents: 7 });
    expect(await storage.jobRuns.usageTotals({ protocol_run_id: 1 })).toEqual({ tokens: 150, cost_cents: 3.75 });
    expect(await storage.jobRuns.usageTotals({ step_run_id: 11 })).toEqual({ tokens: 50, cost_cents: 2.5 });
    expect(await storage.jobRuns.usageTotals({ protocol_run_id: 1, step_run_id: 10 })).toEqual({
      tokens: 100,
      cost_cents: 1.25,
    });
    expect(await storage.jobRuns.usageTotals({ protocol_run_id: 3 })).toEqual({ tokens: 0, cost_cents: 0 });
    await expect(storage.jobRuns.usageTotals({})).rejects.toThrow(ValidationError);
  });

  it("enqueues in the caller's transaction given as executor: rolled back with it, committed with it", async ({
    storage,
  }) => {
    const job = (run_id: string, idempotency_key: string | null = null) => ({
      run_id,
      job_type: 't',
      queue: 'default',
      params: {},
      idempotency_key,
      priority: 0,
      run_at: START_MINUS_HOUR,
      max_attempts: 3,
      timeout_seconds: 60,
      project_id: null,
      protocol_run_id: null,
      step_run_id: null,
    });
    await expect(
      storage.transaction(async (tx) => {
        await storage.jobRuns.enqueue(job('undone'), { executor: tx.executor });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await storage.jobRuns.find('undone')).toBeNull();
    await storage.transaction(async (tx) => {
      expect((await storage.jobRuns.enqueue(job('kept', 'key'), { executor: tx.executor })).created).toBe(true);
      // The same key again in the same transaction finds the row it has not committed yet.
      const again = await storage.jobRuns.enqueue(job('twin', 'key'), { executor: tx.executor });
      expect(again).toMatchObject({ created: false, job: { run_id: 'kept' } });
    });
    expect(await storage.jobRuns.find('kept')).toMatchObject({ status: 'queued' });
  });

  it('tells the earliest run_at of the queued jobs of some queues, due or not', async ({ storage }) => {
    expect(await storage.jobRuns.nextRunAt(['default'])).toBeNull();
    await storage.jobRuns.create({ run_id: 'late', job_type: 't', run_at: '2026-11-27T19:00:00.000Z' });
    await storage.jobRuns.create({ run_id: 'soon', job_type: 't', run_at: '2026-11-27T18:00:00.000Z' });
    await storage.jobRuns.create({ run_id: 'other', job_type: 't', queue: 'other', run_at: START_MINUS_HOUR });
    await storage.jobRuns.create({ run_id: 'done', job_type: 't', status: 'succeeded', run_at: START_MINUS_HOUR });
    expect(await storage.jobRuns.nextRunAt(['default'])).toBe('2026-11-27T18:00:00.000Z');
    expect(await storage.jobRuns.nextRunAt(['default', 'other'])).toBe(START_MINUS_HOUR);
    expect(await storage.jobRuns.nextRunAt(['nothing-here'])).toBeNull();
  });

  it('marks a batch of queued spells published, each only while it is queued with the same attempts', async ({
    storage,
  }) => {
    const ids = Array.from({ length: 230 }, (_, i) => `m${i}`);
    for (const run_id of ids) await storage.jobRuns.create({ run_id, job_type: 't' });
    await storage.jobRuns.create({ run_id: 'again', job_type: 't' });
    await storage.jobRuns.update('again', { attempts: 1 });
    await storage.jobRuns.create({ run_id: 'done', job_type: 't', status: 'succeeded' });
    await storage.jobRuns.markPublished([
      ...ids.map((run_id) => ({ run_id, attempts: 0 })),
      { run_id: 'again', attempts: 0 },
      { run_id: 'done', attempts: 0 },
    ]);
    expect((await storage.jobRuns.listQueued(false, 500)).map((job) => job.run_id)).toEqual(['again']);
    expect(await storage.jobRuns.listQueued(true, 500)).toHaveLength(230);
    expect((await storage.jobRuns.get('done')).published_at).toBeNull();
    await storage.jobRuns.markPublished([]);
  });

  it('finds the earliest run_at across every priority of a queue (negative ones too)', async ({ storage }) => {
    const at = (hour: number) => `2026-11-27T${hour}:00:00.000Z`;
    await storage.jobRuns.create({ run_id: 'high', job_type: 't', priority: 9, run_at: at(20) });
    await storage.jobRuns.create({ run_id: 'high-2', job_type: 't', priority: 9, run_at: at(21) });
    await storage.jobRuns.create({ run_id: 'mid', job_type: 't', priority: 3, run_at: at(22) });
    await storage.jobRuns.create({ run_id: 'low', job_type: 't', priority: -2, run_at: at(19) });
    await storage.jobRuns.create({ run_id: 'low-done', job_type: 't', priority: -5, status: 'failed', run_at: at(10) });
    expect(await storage.jobRuns.nextRunAt(['default'])).toBe(at(19));
    await storage.jobRuns.update('low', { status: 'cancelled' });
    expect(await storage.jobRuns.nextRunAt(['default'])).toBe(at(20));
    expect(await storage.jobRuns.nextRunAt(['default', 'default'])).toBe(at(20));
  });

  it('finishes an attempt and claims the next due job in one commit, or neither when the fence fails', async ({
    storage,
  }) => {
    const jobs = storage.jobRuns;
    await jobs.create({ run_id: 'first', job_type: 't', run_at: START_MINUS_HOUR });
    await jobs.create({ run_id: 'second', job_type: 't', run_at: '2026-11-27T16:30:00.000Z' });
    await jobs.create({ run_id: 'later', job_type: 't', run_at: '2026-11-27T18:00:00.000Z' });
    await jobs.create({ run_id: 'elsewhere', job_type: 't', queue: 'other', run_at: START_MINUS_HOUR });
    const first = await jobs.claimNext(['default'], { owner: 'w/1', seconds: 30 });
    expect(first?.run_id).toBe('first');
    const fence = { run_id: 'first', lease_owner: 'w/1', attempts: 1 };
    const finish = { status: 'succeeded', finished_at: START, end_lease: true } as const;

    const { updated, next } = await jobs.updateAttemptAndClaimNext(fence, finish, ['default'], {
      owner: 'w/2',
      seconds: 30,
    });
    expect(updated).toMatchObject({ run_id: 'first', status: 'succeeded', lease_owner: null, finished_at: START });
    expect(next).toMatchObject({ run_id: 'second', status: 'running', lease_owner: 'w/2', attempts: 1 });
    const counts = async () =>
      Object.fromEntries((await jobs.queueCounts()).map((row) => [`${row.queue} ${row.status}`, row.count]));
    expect(await counts()).toEqual({
      'default succeeded': 1,
      'default running': 1,
      'default queued': 1,
      'other queued': 1,
    });

    // The first attempt no longer owns its row: nothing written, nothing claimed.
    expect(
      await jobs.updateAttemptAndClaimNext(fence, finish, ['default', 'other'], { owner: 'w/3', seconds: 30 }),
    ).toEqual({
      updated: null,
      next: null,
    });
    expect((await jobs.get('elsewhere')).status).toBe('queued');
    // Nothing else due in the queue: the attempt is written, no claim.
    const second = { run_id: 'second', lease_owner: 'w/2', attempts: 1 };
    const last = await jobs.updateAttemptAndClaimNext(second, finish, ['default'], { owner: 'w/4', seconds: 30 });
    expect(last.updated?.status).toBe('succeeded');
    expect(last.next).toBeNull();
    expect(await counts()).toEqual({ 'default succeeded': 2, 'default queued': 1, 'other queued': 1 });
  });

  it('finishes an attempt and claims a given job in one commit, or neither when the fence fails', async ({
    storage,
  }) => {
    const jobs = storage.jobRuns;
    await jobs.create({ run_id: 'first', job_type: 't', run_at: START_MINUS_HOUR });
    await jobs.create({ run_id: 'second', job_type: 't', run_at: START_MINUS_HOUR });
    await jobs.create({ run_id: 'later', job_type: 't', run_at: '2026-11-27T18:00:00.000Z' });
    await jobs.claimById('first', { owner: 'w/1', seconds: 30 });
    const fence = { run_id: 'first', lease_owner: 'w/1', attempts: 1 };
    const finish = { status: 'succeeded', finished_at: START, end_lease: true } as const;

    // The fence fails: nothing written, the given job stays queued.
    expect(
      await jobs.updateAttemptAndClaimById({ ...fence, lease_owner: 'w/0' }, finish, 'second', {
        owner: 'w/2',
        seconds: 30,
      }),
    ).toEqual({ updated: null, next: null });
    expect(await jobs.get('second')).toMatchObject({ status: 'queued', attempts: 0 });

    const { updated, next } = await jobs.updateAttemptAndClaimById(fence, finish, 'second', {
      owner: 'w/2',
      seconds: 30,
    });
    expect(updated).toMatchObject({ run_id: 'first', status: 'succeeded', lease_owner: null, finished_at: START });
    expect(next).toMatchObject({ claimed: { run_id: 'second', status: 'running', lease_owner: 'w/2', attempts: 1 } });

    // A given job not due yet, or gone: the attempt is written, nothing claimed, and the answer says which.
    const second = { run_id: 'second', lease_owner: 'w/2', attempts: 1 };
    expect((await jobs.updateAttemptAndClaimById(second, finish, 'later', { owner: 'w/3', seconds: 30 })).next).toEqual(
      { notDueUntil: '2026-11-27T18:00:00.000Z' },
    );
    expect(await jobs.get('second')).toMatchObject({ status: 'succeeded' });
    const other = await jobs.create({ run_id: 'other', job_type: 't', run_at: START_MINUS_HOUR });
    await jobs.claimById(other.run_id, { owner: 'w/5', seconds: 30 });
    expect(
      (
        await jobs.updateAttemptAndClaimById({ run_id: 'other', lease_owner: 'w/5', attempts: 1 }, finish, 'first', {
          owner: 'w/6',
          seconds: 30,
        })
      ).next,
    ).toEqual({ gone: true });
  });
});

const START_MINUS_HOUR = '2026-11-27T16:00:00.000Z';
