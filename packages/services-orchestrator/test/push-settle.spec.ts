import { harnessPerTest, type Harness } from './harness.js';

// A step's push runs behind its job (services-execution): the run waits for the queued pushes only
// when its last step completes, so the remote holds every step's commit when protocol_completed is
// recorded, and no earlier step waits.

describe('queued step pushes and the end of a run (SQLite, real git)', () => {
  let h: Harness;
  harnessPerTest((created) => (h = created));

  it('waits for the worktree pushes only before the step that ends the run (separate QA jobs)', async () => {
    h.fakes.execution.queuedPushes = 1;
    const { run } = await h.planned({ auto_advance: true });
    const done = await h.snapshot(run.id);
    expect(done.run.status).toBe('completed');
    expect(done.steps.length).toBeGreaterThan(1);
    expect(done.steps.every((step) => step.status === 'completed')).toBe(true);
    // Once by the last step's QA (before its transaction), once by the run's end (before its push).
    expect(h.fakes.execution.settled).toEqual([done.run.worktree_path, done.run.worktree_path]);
  });

  it('a run with nothing queued does not read its steps again or wait', async () => {
    const { run } = await h.planned({ auto_advance: true });
    const done = await h.snapshot(run.id);
    expect(done.run.status).toBe('completed');
    // Only the run's end settles (it always does, before its own push).
    expect(h.fakes.execution.settled).toEqual([done.run.worktree_path]);
  });
});
