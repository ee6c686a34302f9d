import { git } from '@tasksgodzilla/testing';
import { useApi } from './api.test-helpers.js';

// Issue 10, must fix 8: the fuzzer's 500s, each answered with a 4xx that names the problem.

describe('fuzz regressions: run logs and branch deletion', () => {
  const h = useApi();

  it('answers 422 on log_path with a NUL byte, 100k characters, an over-long segment or a folder; nothing is recorded', async () => {
    const before = (await h.call('GET', '/codex/runs', { query: { limit: 500 } })).body.length as number;
    const bad = [
      '\u0000',
      'logs/\u0000x.txt',
      'x'.repeat(100_000),
      `${'y'.repeat(300)}/log.txt`,
      'a\u001b]0;title\u0007',
    ];
    for (const logPath of bad) {
      const res = await h.call('POST', '/codex/runs/start', { body: { job_type: 'fuzz', log_path: logPath } });
      expect([logPath.slice(0, 20), res.status]).toEqual([logPath.slice(0, 20), 422]);
      expect(JSON.stringify(res.body)).toContain('log_path');
    }
    // A folder that exists (made by an earlier run) is not a log file.
    expect(
      (await h.call('POST', '/codex/runs/start', { body: { job_type: 'ok', log_path: 'dir/log.txt' } })).status,
    ).toBe(200);
    const folder = await h.call('POST', '/codex/runs/start', { body: { job_type: 'fuzz', log_path: 'dir' } });
    expect(folder.status).toBe(422);
    expect(folder.body.detail).toContain('log_path');
    expect((await h.call('GET', '/codex/runs', { query: { limit: 500 } })).body.length).toBe(before + 1);
  });

  it("refuses (409) to delete the project's base branch or the branch of an unfinished run, and deletes neither", async () => {
    const projectId = await h.project({ name: 'branch-guard' });
    const base = await h.call('POST', `/projects/${projectId}/branches/main/delete`, { body: { confirm: true } });
    expect(base.status).toBe(409);
    expect(base.body).toEqual({
      detail: "Branch main is the project's base branch; it cannot be deleted",
      code: 'branch_is_base',
      category: 'conflict',
    });
    expect(git(h.repo.originPath, ['branch', '--list', 'main'])).toContain('main');

    // Planning pushes the run's branch to origin.
    const { id } = await h.planned(projectId, '0001-busy');
    expect(git(h.repo.originPath, ['branch', '--list', '0001-busy'])).toContain('0001-busy');
    const busy = await h.call('POST', `/projects/${projectId}/branches/0001-busy/delete`, { body: { confirm: true } });
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe('branch_in_use');
    expect(busy.body.detail).toContain(`protocol run ${id}`);
    expect(git(h.repo.originPath, ['branch', '--list', '0001-busy'])).toContain('0001-busy');

    // Once the run is finished the branch may go.
    expect((await h.call('POST', `/protocols/${id}/actions/cancel`)).status).toBe(200);
    const done = await h.call('POST', `/projects/${projectId}/branches/0001-busy/delete`, { body: { confirm: true } });
    expect(done.status).toBe(200);
    expect(git(h.repo.originPath, ['branch', '--list', '0001-busy'])).toBe('');
  });
});
