import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { git } from '@tasksgodzilla/testing';
import { harnessPerTest, type Harness } from './harness.js';

// Issue 9 §5: the last step's QA report is committed (and pushed) before the worktree is removed.

describe('end of a run (SQLite, real git)', () => {
  let h: Harness;
  harnessPerTest((created) => (h = created), { config: { removeWorktreeOnEnd: true } });

  it("commits the last step's QA report before the worktree is removed, and pushes it", async () => {
    h.fakes.quality.behaviour = (input) => {
      const path = `${input.protocolRoot}/quality/${input.step.step_name}-report.md`;
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `Verdict: PASS for ${input.step.step_name}\n`);
      return { report_path: path };
    };
    const { run } = await h.planned({ auto_advance: true });
    const done = await h.snapshot(run.id);
    expect(done.run.status).toBe('completed');
    expect(existsSync(done.run.worktree_path!)).toBe(false);
    const report = '.protocols/0001-demo/quality/02-docs.md-report.md';
    expect(git(h.repo.path, ['show', `0001-demo:${report}`])).toBe('Verdict: PASS for 02-docs.md');
    expect(git(h.repo.originPath, ['log', '-1', '--format=%s', '0001-demo'])).toBe('0001-demo: final reports');
  });
});
