import { BudgetExceededError, CancelledError, TimeoutError } from '@tasksgodzilla/core';
import { LeaseLostError } from '@tasksgodzilla/platform-queue';
import { createLogger } from '@tasksgodzilla/platform-telemetry';
import { isFinalFailure, withDeadLetterHook } from './worker.js';

const live = { aborted: false, reason: undefined } as unknown as AbortSignal;
function aborted(reason: unknown): AbortSignal {
  const controller = new AbortController();
  controller.abort(reason);
  return controller.signal;
}

describe('isFinalFailure', () => {
  it('is final for non-retryable errors and on the last attempt only', () => {
    expect(isFinalFailure({ max_attempts: 3 }, { attempt: 1, signal: live }, new Error('boom'))).toBe(false);
    expect(isFinalFailure({ max_attempts: 3 }, { attempt: 3, signal: live }, new Error('boom'))).toBe(true);
    expect(isFinalFailure({ max_attempts: 3 }, { attempt: 1, signal: live }, new BudgetExceededError('over'))).toBe(
      true,
    );
  });

  it('uses the abort reason: cancellation and lease loss are never failures, a timeout is retried', () => {
    expect(
      isFinalFailure(
        { max_attempts: 3 },
        { attempt: 3, signal: aborted(new CancelledError('cancelled')) },
        new Error('x'),
      ),
    ).toBe(false);
    expect(
      isFinalFailure({ max_attempts: 3 }, { attempt: 3, signal: aborted(new LeaseLostError('r1')) }, new Error('x')),
    ).toBe(false);
    expect(
      isFinalFailure({ max_attempts: 3 }, { attempt: 1, signal: aborted(new TimeoutError('slow')) }, new Error('x')),
    ).toBe(false);
    expect(
      isFinalFailure({ max_attempts: 3 }, { attempt: 3, signal: aborted(new TimeoutError('slow')) }, new Error('x')),
    ).toBe(true);
  });
});

describe('withDeadLetterHook', () => {
  it('calls the hook before re-throwing a final failure, never for a retry or a success', async () => {
    const calls: string[] = [];
    const handlers = withDeadLetterHook(
      {
        spec_audit_job: async (job) => {
          if (job.payload.backfill_missing) throw new Error('broken');
          return { result: 'ok' };
        },
      },
      async (job, error) => {
        calls.push(`${job.run_id}:${(error as Error).message}`);
      },
      createLogger({ level: 'silent' }),
    );
    const handler = handlers.spec_audit_job!;
    const job = (backfill: boolean) =>
      ({ run_id: 'j1', max_attempts: 2, params: {}, payload: { backfill_missing: backfill } }) as never;
    const ctx = (attempt: number) => ({ attempt, signal: live }) as never;
    await expect(handler(job(false), ctx(2))).resolves.toEqual({ result: 'ok' });
    await expect(handler(job(true), ctx(1))).rejects.toThrow('broken');
    expect(calls).toEqual([]);
    await expect(handler(job(true), ctx(2))).rejects.toThrow('broken');
    expect(calls).toEqual(['j1:broken']);
  });
});
