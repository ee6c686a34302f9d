import { sql } from 'kysely';
import { specAuditInterval } from '../src/lifecycle/spec-audit-schedule.js';
import { harnessPerTest, type Harness } from './harness.js';

describe('specAuditInterval', () => {
  it.each([
    [null, 3600, 3600],
    [{ spec_audit_interval_seconds: 45 }, 3600, 45],
    [{ spec_audit_interval_seconds: '90' }, 3600, 90],
    [{ spec_audit_interval_seconds: 5 }, 3600, 30],
    [{ spec_audit_interval_seconds: 'soon' }, 3600, 3600],
    [{ spec_audit_interval_seconds: 1.5 }, 600, 600],
    [{}, 10, 30],
  ])('secrets %j with the server default %i → %i s', (secrets, fallback, expected) => {
    expect(specAuditInterval({ secrets }, fallback)).toBe(expected);
  });
});

describe('auditDueSpecs (the spec-audit schedule, issue 15)', () => {
  let h: Harness;
  harnessPerTest((created) => (h = created));

  /** Moves every spec_audit_job of the project `seconds` into the past. */
  async function backdate(projectId: number, seconds: number): Promise<void> {
    const at = new Date(Date.now() - seconds * 1000).toISOString();
    await sql`UPDATE job_runs SET created_at = ${at} WHERE job_type = 'spec_audit_job' AND project_id = ${projectId}`.execute(
      h.handle.db,
    );
  }

  it('audits each project once per its own interval: the per-project override wins over the server default', async () => {
    const fast = await h.storage.projects.create({
      name: 'fast',
      git_url: 'x',
      secrets: { spec_audit_interval_seconds: 45 },
    });
    const slow = await h.storage.projects.create({ name: 'slow', git_url: 'y' });

    // Never audited: both are due.
    expect((await h.orchestrator.auditDueSpecs(3600)).sort()).toEqual([fast.id, slow.id].sort());
    // Just audited: neither is.
    expect(await h.orchestrator.auditDueSpecs(3600)).toEqual([]);
    // A minute later: past the fast project's 45 s, not the server's hour.
    await backdate(fast.id, 60);
    await backdate(slow.id, 60);
    expect(await h.orchestrator.auditDueSpecs(3600)).toEqual([fast.id]);

    const jobs = (await h.queue.list({ job_type: 'spec_audit_job', limit: 50 })).items;
    expect(jobs.filter((job) => job.project_id === fast.id)).toHaveLength(2);
    expect(jobs.filter((job) => job.project_id === slow.id)).toHaveLength(1);
    expect(jobs.every((job) => (job.params as { backfill_missing?: boolean }).backfill_missing === true)).toBe(true);
  });
});
