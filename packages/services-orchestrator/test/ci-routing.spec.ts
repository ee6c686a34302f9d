import type { Project, ProtocolRun, StepRun } from '@tasksgodzilla/core';
import { interpretGithubWebhook, interpretGitlabWebhook } from '../src/index.js';
import { FEEDBACK_REOPEN_LIMIT } from '../src/lifecycle/reopen.js';
import { harnessPerTest, eventTypes, expectRejected, type Harness } from './harness.js';

/** A project, its run on branch `0001-demo` with one step, all written directly (no git needed to route). */
async function projectWithRun(
  h: Harness,
  name: string,
  gitUrl: string,
  runStatus: ProtocolRun['status'],
): Promise<{ project: Project; run: ProtocolRun; step: StepRun }> {
  const project = await h.storage.projects.create({ name, git_url: gitUrl });
  const run = await h.storage.protocolRuns.create({
    project_id: project.id,
    protocol_name: '0001-demo',
    base_branch: 'main',
    branch_name: '0001-demo',
    status: runStatus,
  });
  const step = await h.storage.stepRuns.create({
    protocol_run_id: run.id,
    step_index: 0,
    step_name: '00-setup.md',
    step_type: 'work',
    status: 'completed',
  });
  return { project, run, step };
}

describe('CI reports are routed by repository, then branch', () => {
  let h: Harness;
  harnessPerTest((created) => (h = created));

  it("project B's failure lands on project B's run, not on project A's older cancelled run with the same branch", async () => {
    const a = await projectWithRun(h, 'a', 'git@github.com:acme/alpha.git', 'cancelled');
    const b = await projectWithRun(h, 'b', 'https://github.com/acme/beta.git', 'running');
    const delivery = interpretGithubWebhook('workflow_run', {
      action: 'completed',
      repository: { full_name: 'Acme/Beta', clone_url: 'https://github.com/Acme/Beta.git' },
      workflow_run: {
        name: 'ci',
        conclusion: 'failure',
        status: 'completed',
        head_branch: '0001-demo',
        html_url: 'https://ci/b/1',
      },
    });
    const result = await h.orchestrator.handleCiStatus(delivery.input!);
    expect(result).toMatchObject({
      action: 'step_failed',
      run: { id: b.run.id, status: 'blocked' },
      step: { id: b.step.id, status: 'failed' },
    });
    expect(await eventTypes(h, a.run.id)).toEqual([]);
    expect(await eventTypes(h, b.run.id)).toEqual(['workflow_run', 'workflow_run']);
    expect((await h.storage.stepRuns.get(a.step.id)).status).toBe('completed');
  });

  it('picks the project by GitLab project path; a repository no project has is a 404 that changes nothing', async () => {
    const a = await projectWithRun(h, 'a', 'https://gitlab.example.com/group/alpha.git', 'running');
    const b = await projectWithRun(h, 'b', 'git@gitlab.example.com:group/beta.git', 'running');
    const pipeline = (path: string) =>
      interpretGitlabWebhook('Pipeline Hook', {
        object_kind: 'pipeline',
        project: { id: 9, path_with_namespace: path, git_ssh_url: `git@gitlab.example.com:${path}.git` },
        object_attributes: { ref: '0001-demo', status: 'success' },
      }).input!;
    const result = await h.orchestrator.handleCiStatus(pipeline('group/alpha'));
    expect(result.run.id).toBe(a.run.id);
    await expectRejected(
      h.orchestrator.handleCiStatus(pipeline('group/gamma')),
      'NotFoundError',
      'Protocol run not found for webhook',
    );
    expect(await eventTypes(h, b.run.id)).toEqual([]);
  });

  it('without repository information a branch prefers the run that has not ended', async () => {
    await projectWithRun(h, 'a', 'git@github.com:acme/alpha.git', 'cancelled');
    const b = await projectWithRun(h, 'b', 'git@github.com:acme/beta.git', 'running');
    const result = await h.orchestrator.handleCiStatus({
      provider: 'github',
      status: 'failure',
      branch: 'refs/heads/0001-demo',
    });
    expect(result.run.id).toBe(b.run.id);
  });

  it('a CI "running" report is CI state on the step, never the step status', async () => {
    const b = await projectWithRun(h, 'b', 'git@github.com:acme/beta.git', 'running');
    const running = interpretGithubWebhook('check_run', {
      repository: { full_name: 'acme/beta' },
      check_run: { name: 'build', status: 'in_progress', head_branch: '0001-demo', html_url: 'https://ci/b/2' },
    });
    const result = await h.orchestrator.handleCiStatus(running.input!);
    expect(result.action).toBe('ci_running');
    const step = await h.storage.stepRuns.get(b.step.id);
    expect(step.status).toBe('completed');
    expect(step.runtime_state?.ci).toMatchObject({
      provider: 'github',
      status: 'running',
      conclusion: 'in_progress',
      url: 'https://ci/b/2',
      check_name: 'build',
    });
  });

  it('a CI failure re-opens a completed step of an auto-advancing run as a new attempt, at most FEEDBACK_REOPEN_LIMIT times, then blocks', async () => {
    const b = await projectWithRun(h, 'b', 'git@github.com:acme/beta.git', 'running');
    await h.storage.protocolRuns.update(b.run.id, { auto_advance: true });
    const failure = {
      provider: 'github' as const,
      status: 'failure' as const,
      branch: '0001-demo',
      repository: { full_name: 'acme/beta' },
      conclusion: 'failure',
      url: 'https://ci/b/3',
    };
    for (let attempt = 1; attempt <= FEEDBACK_REOPEN_LIMIT; attempt += 1) {
      const result = await h.orchestrator.handleCiStatus(failure);
      expect(result).toMatchObject({
        action: 'step_reopened',
        run: { status: 'running' },
        step: { status: 'running', retries: attempt },
        job: { job_type: 'execute_step_job' },
      });
      await h.queue.cancel(result.job!.run_id);
      await h.storage.stepRuns.transition(b.step.id, { from: 'running', to: 'completed' });
    }
    const last = await h.orchestrator.handleCiStatus(failure);
    expect(last).toMatchObject({
      action: 'step_failed',
      run: { status: 'blocked' },
      step: { status: 'failed' },
      job: null,
    });
    const retries = (await h.events(b.run.id)).filter((e) => e.event_type === 'step_retry_enqueued');
    expect(retries.map((e) => e.metadata?.source)).toEqual(['ci_failure', 'ci_failure', 'ci_failure']);
    expect(retries[0]?.metadata).toMatchObject({
      url: 'https://ci/b/3',
      feedback_reopens: 1,
      reopen_limit: FEEDBACK_REOPEN_LIMIT,
    });
  });
});
