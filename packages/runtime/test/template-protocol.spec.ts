import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_TEMPLATE } from '@tasksgodzilla/service-testing';
import { git, postgresAvailable } from '@tasksgodzilla/testing';
import { openRuntime } from './runtime-harness.js';

// The DONE criterion: a multi-step protocol from a template folder, auto_advance on, the shell
// engine, the embedded queue; it ends `completed` with one commit per step on the protocol branch.
async function runTemplateProtocol(dialect: 'sqlite' | 'postgres'): Promise<void> {
  const h = await openRuntime({ dialect });
  try {
    const { orchestrator } = h.rt.services;
    const projectId = await h.project();
    const run = await orchestrator.createProtocolRun(projectId, {
      protocol_name: '0001-demo',
      template: DEMO_TEMPLATE,
      auto_advance: true,
      description: 'Demo protocol',
    });
    await orchestrator.startProtocol(run.id, { requestId: 'req-done' });
    await h.worker.drain();

    const final = await h.run(run.id);
    const steps = await h.steps(run.id);
    const events = await h.events(run.id);
    expect(steps.map((s) => [s.step_name, s.status])).toEqual([
      ['00-setup.md', 'completed'],
      ['01-build.md', 'completed'],
      ['02-docs.md', 'completed'],
    ]);
    expect(final.status).toBe('completed');
    const types = events.map((e) => e.event_type);
    expect(types.filter((t) => t === 'step_completed')).toHaveLength(3);
    expect(types.filter((t) => t === 'qa_passed')).toHaveLength(3);
    expect(types.at(-1)).toBe('protocol_completed');
    // The request id of the start call follows the whole chain of jobs.
    expect(events.filter((e) => e.metadata?.request_id === 'req-done').map((e) => e.event_type)).toEqual(
      expect.arrayContaining(['planned', 'step_completed', 'qa_passed', 'protocol_completed']),
    );

    // On the protocol branch, pushed to the bare origin, oldest last: onboarding's starter assets (the
    // main checkout holds them uncommitted), the plan, one commit per step, then what the run left
    // uncommitted (the last step's QA report).
    const subjects = git(h.repo.originPath, ['log', '--format=%s', `main..0001-demo`]).split('\n');
    expect(subjects).toEqual([
      '0001-demo: final reports',
      '0001-demo: 02-docs.md [step 2]',
      '0001-demo: 01-build.md [step 1]',
      '0001-demo: 00-setup.md [step 0]',
      '0001-demo: plan',
      'TasksGodzilla: onboarding starter assets and discovery notes',
    ]);
    const tree = git(h.repo.originPath, ['ls-tree', '-r', '--name-only', '0001-demo']).split('\n');
    expect(tree).toEqual(
      expect.arrayContaining([
        'work/setup.txt',
        'bin/hello',
        'docs/USAGE.md',
        '.protocols/0001-demo/plan.md',
        'scripts/ci/test.sh',
        '.protocols/0001-demo/quality/02-docs-1.md',
      ]),
    );
    // The worktree is removed at the end (Config.removeWorktreeOnEnd), the branch is kept.
    expect(existsSync(final.worktree_path!)).toBe(false);
    expect(git(h.repo.path, ['branch', '--list', '0001-demo'])).toContain('0001-demo');

    const usage = await orchestrator.usage(run.id);
    expect(usage.by_phase.map((p) => p.phase)).toEqual(expect.arrayContaining(['planning', 'exec', 'qa']));
    const ledger = await h.rt.storage.jobRuns.list({ protocol_run_id: run.id }, { limit: 100 });
    expect(ledger.items.every((job) => job.status === 'succeeded')).toBe(true);
    expect(ledger.items.find((job) => job.job_type === 'execute_step_job')?.log_path).toMatch(
      new RegExp(`${join('runs', '')}`),
    );
  } finally {
    await h.close();
  }
}

describe('a template protocol runs to completion through the runtime (shell engine, embedded queue)', () => {
  it('on SQLite', async () => {
    await runTemplateProtocol('sqlite');
  });

  it('on PostgreSQL', async () => {
    if (!(await postgresAvailable())) return;
    await runTemplateProtocol('postgres');
  });
});
