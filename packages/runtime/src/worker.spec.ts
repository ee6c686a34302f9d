import { EngineError } from '@tasksgodzilla/core';
import { LeaseExpiredError, type QueueJob } from '@tasksgodzilla/platform-queue';
import { finalFailureHook } from './worker.js';

describe('finalFailureHook', () => {
  const job = { run_id: 'j1', job_type: 'execute_step_job', step_run_id: 4 } as QueueJob;

  it('records a final failure with the orchestrator', async () => {
    const calls: string[] = [];
    const hook = finalFailureHook({
      onJobFailed: async (failed, error) => void calls.push(`failed:${failed.run_id}:${(error as Error).message}`),
      reapDeadAttempt: async (dead) => void calls.push(`reap:${dead.run_id}`),
    });
    await hook(job, new EngineError('engine crashed'));
    expect(calls).toEqual(['failed:j1:engine crashed']);
  });

  it('kills what a dead worker left running before recording its reclaimed job', async () => {
    const calls: string[] = [];
    const hook = finalFailureHook({
      onJobFailed: async (failed, error) => void calls.push(`failed:${failed.run_id}:${(error as Error).message}`),
      reapDeadAttempt: async (dead) => void calls.push(`reap:${dead.run_id}`),
    });
    await hook(job, LeaseExpiredError.recordedOn({ error: 'LeaseExpiredError: lease expired: worker w/1 stopped' }));
    expect(calls).toEqual(['reap:j1', 'failed:j1:lease expired: worker w/1 stopped']);
  });
});
