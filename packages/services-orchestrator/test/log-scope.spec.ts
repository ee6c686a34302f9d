import { jest } from '@jest/globals';
import { getLogContext, isLogContextTracking } from '@tasksgodzilla/platform-telemetry';
import { harnessPerTest, type Harness } from './harness.js';

/** What a call deep inside the orchestrator sees of the log context (what its log lines carry). */
const seenNow = () => ({ ...getLogContext(), tracking: isLogContextTracking() });

describe('log scopes of commands and jobs', () => {
  let h: Harness;
  const { it } = harnessPerTest((created) => (h = created));

  it('a command given a request id runs in a log scope carrying it; one given none runs in no scope', async () => {
    const run = await h.started();
    const enqueue = h.queue.enqueue;
    const seen: ReturnType<typeof seenNow>[] = [];
    const spy = jest.spyOn(h.queue, 'enqueue').mockImplementation(function (this: unknown, ...args) {
      seen.push(seenNow());
      return enqueue.apply(this, args);
    });
    try {
      await h.orchestrator.pauseProtocol(run.id, { requestId: 'req-pause' });
      await h.orchestrator.resumeProtocol(run.id, { requestId: 'req-resume' });
      expect(seen.at(-1)).toMatchObject({ request_id: 'req-resume', tracking: true });
      expect(isLogContextTracking()).toBe(false);
      seen.length = 0;
      await h.orchestrator.pauseProtocol(run.id);
      await h.orchestrator.resumeProtocol(run.id);
      expect(seen.at(-1)).toEqual({ tracking: false });
    } finally {
      spy.mockRestore();
    }
  });

  it('a job runs in a scope carrying its ids and the request id of its payload; tracking ends with it', async () => {
    const seen: ReturnType<typeof seenNow>[] = [];
    h.fakes.execution.behaviour = () => {
      seen.push(seenNow());
      return {};
    };
    const { run, steps } = await h.planned();
    await h.orchestrator.runStep(steps[0]!.id, { requestId: 'req-step' });
    expect(isLogContextTracking()).toBe(false);
    await h.drain();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      request_id: 'req-step',
      project_id: run.project_id,
      protocol_run_id: run.id,
      step_run_id: steps[0]!.id,
      job_id: expect.any(String),
      run_id: seen[0]!.job_id,
      tracking: true,
    });
    expect(isLogContextTracking()).toBe(false);
  });
});
