import { GitError, type Event } from '@tasksgodzilla/core';
import type {
  ForgeIssue,
  ForgeIssueRef,
  IssueCommentInput,
  IssueCommentResult,
  OpenPullRequestInput,
  PullRequestResult,
} from '@tasksgodzilla/platform-git';
import { DEMO_TEMPLATE } from '@tasksgodzilla/service-testing';
import { interpretIssueWebhook } from '../src/index.js';
import { createHarness, type Harness } from './harness.js';

const REMOTE = 'https://github.com/acme/demo.git';

const issuesDelivery = (action: string, extra: Record<string, unknown> = {}) =>
  interpretIssueWebhook('github', 'issues', {
    action,
    issue: {
      number: 42,
      title: 'Fix login bug',
      body: 'Users cannot log in.',
      html_url: 'https://github.com/acme/demo/issues/42',
      state: 'open',
      labels: [{ name: 'tasksgodzilla' }],
    },
    repository: { full_name: 'acme/demo' },
    ...extra,
  })!;

describe('issues in (services-orchestrator)', () => {
  let h: Harness;
  let comments: IssueCommentInput[];
  let issueReads: ForgeIssueRef[];
  let failComments: boolean;

  beforeEach(async () => {
    h = await createHarness({ config: { autoPr: 'ready' } });
    comments = [];
    issueReads = [];
    failComments = false;
    // The forge's REST calls are platform-git's (its own suite); here: what the orchestrator asks of it.
    Object.assign(h.git, {
      openPullRequest: async (input: OpenPullRequestInput): Promise<PullRequestResult> => ({
        provider: 'github',
        via: 'rest',
        created: true,
        url: `https://github.com/acme/demo/pull/7?head=${input.branch}`,
        number: 7,
      }),
      upsertIssueComment: async (input: IssueCommentInput): Promise<IssueCommentResult> => {
        if (failComments)
          throw new GitError('github API comment failed (HTTP 401)', { code: 'forge_auth_failed', retryable: false });
        comments.push(input);
        return { commentId: input.commentId ?? '9001', created: input.commentId === null };
      },
      getIssue: async (ref: ForgeIssueRef): Promise<ForgeIssue> => {
        issueReads.push(ref);
        if (ref.number !== 42)
          throw new GitError('github API get issue failed (HTTP 404)', { code: 'forge_not_found', retryable: false });
        return {
          provider: 'github',
          repository: ref.repository,
          number: 42,
          title: 'Fix login bug',
          body: 'Users cannot log in.',
          url: 'https://github.com/acme/demo/issues/42',
          labels: [],
          state: 'open',
        };
      },
    });
  });
  afterEach(async () => {
    await h.close();
  });

  async function project(secrets: Record<string, string> | null = null): Promise<number> {
    const created = await h.orchestrator.createProject({
      name: 'demo',
      git_url: REMOTE,
      local_path: h.repo.path,
      secrets,
    });
    await h.drain();
    return created.project.id;
  }

  const types = (events: Event[]) => events.map((e) => e.event_type);

  it('opens the run named after the issue, starts it, and edits ONE comment through planned, PR opened and completed', async () => {
    const projectId = await project({ forge_token: 'project-forge-token-123' });
    await h.orchestrator.putIssueSettings(projectId, { auto_start: true, auto_advance: true, template: DEMO_TEMPLATE });
    const result = await h.orchestrator.handleIssueDelivery({
      delivery_id: 'd-1',
      interpretation: issuesDelivery('opened'),
    });
    expect(result.duplicate).toBe(false);
    expect(result.ignored_reason).toBeNull();
    expect(result.runs).toHaveLength(1);
    const [opened] = result.runs;
    expect(opened).toMatchObject({
      created: true,
      run: {
        protocol_name: 'issue-42-fix-login-bug',
        description: 'Users cannot log in.',
        status: 'planning',
        auto_advance: true,
      },
    });
    expect(opened?.job?.job_type).toBe('plan_protocol_job');
    const runId = opened!.run.id;
    await h.drain();
    const { run, events, jobs } = await h.snapshot(runId);
    expect(run.status).toBe('completed');
    expect(types(events)).toEqual(
      expect.arrayContaining(['issue_run_created', 'planned', 'open_pr', 'protocol_completed', 'issue_comment_posted']),
    );
    // Every report edits the first comment; the project's token is used; the last one says completed with the PR.
    expect(comments.length).toBeGreaterThanOrEqual(3);
    expect(comments[0]?.commentId).toBeNull();
    expect(comments.slice(1).every((c) => c.commentId === '9001')).toBe(true);
    expect(
      comments.every((c) => c.token === 'project-forge-token-123' && c.repository === 'acme/demo' && c.number === 42),
    ).toBe(true);
    const last = comments[comments.length - 1]!.body;
    expect(last).toContain('**completed**');
    expect(last).toContain('- Pull request: https://github.com/acme/demo/pull/7');
    expect(comments.some((c) => c.body.includes('- Plan: '))).toBe(true);
    expect(comments.every((c) => !c.body.includes('project-forge-token-123'))).toBe(true);
    expect(jobs.filter((j) => j.job_type === 'issue_comment_job').every((j) => j.status === 'succeeded')).toBe(true);
    expect((await h.storage.issueLinks.findByRun(runId))?.comment_id).toBe('9001');
  });

  it('is idempotent: the same delivery is a duplicate, the same issue labelled again finds its run', async () => {
    const projectId = await project();
    const first = await h.orchestrator.handleIssueDelivery({
      delivery_id: 'd-1',
      interpretation: issuesDelivery('opened'),
    });
    expect(first.runs[0]).toMatchObject({ created: true, job: null, run: { status: 'pending', auto_advance: false } });
    expect(
      await h.orchestrator.handleIssueDelivery({ delivery_id: 'd-1', interpretation: issuesDelivery('opened') }),
    ).toEqual({
      duplicate: true,
      runs: [],
      ignored_reason: null,
    });
    const again = await h.orchestrator.handleIssueDelivery({
      delivery_id: 'd-2',
      interpretation: issuesDelivery('labeled', { label: { name: 'tasksgodzilla' } }),
    });
    expect(again.runs).toEqual([
      expect.objectContaining({ created: false, run: expect.objectContaining({ id: first.runs[0]!.run.id }) }),
    ]);
    // By hand too: the same issue's run comes back.
    const manual = await h.orchestrator.createRunFromIssue(projectId, {
      issue: 'https://github.com/acme/demo/issues/42',
    });
    expect(manual).toMatchObject({ created: false, run: { id: first.runs[0]!.run.id } });
    const runs = await h.storage.protocolRuns.list({ project_id: projectId });
    expect(runs.items.filter((r) => r.protocol_name.startsWith('issue-'))).toHaveLength(1);
    // A run that is not the issue's holds the name: the next issue with that title gets `-2`.
    await h.storage.protocolRuns.create({
      project_id: projectId,
      protocol_name: 'issue-43-fix-login-bug',
      base_branch: 'main',
    });
    const other = issuesDelivery('opened');
    other.issue!.number = 43;
    const suffixed = await h.orchestrator.handleIssueDelivery({ delivery_id: 'd-3', interpretation: other });
    expect(suffixed.runs[0]?.run.protocol_name).toBe('issue-43-fix-login-bug-2');
  });

  it('records an ignored delivery on the project (once), and nothing for a repository no project uses', async () => {
    const projectId = await project();
    await h.orchestrator.putIssueSettings(projectId, { label: 'agent' });
    const ignored = await h.orchestrator.handleIssueDelivery({
      delivery_id: 'd-9',
      interpretation: issuesDelivery('opened'),
    });
    expect(ignored).toEqual({
      duplicate: false,
      runs: [],
      ignored_reason: 'the issue does not carry the label "agent"',
    });
    await h.orchestrator.handleIssueDelivery({ delivery_id: 'd-9', interpretation: issuesDelivery('opened') });
    const events = await h.storage.events.list({ project_id: projectId, event_types: ['webhook_ignored'] });
    expect(events.items).toHaveLength(1);
    expect(events.items[0]).toMatchObject({
      protocol_run_id: null,
      metadata: {
        provider: 'github',
        event_type: 'issues',
        reason: 'the issue does not carry the label "agent"',
        delivery_id: 'd-9',
      },
    });
    const elsewhere = issuesDelivery('opened', { repository: { full_name: 'someone/else' } });
    expect(
      (await h.orchestrator.handleIssueDelivery({ delivery_id: null, interpretation: elsewhere })).ignored_reason,
    ).toBe('no project uses the repository someone/else');
    expect(
      (await h.storage.protocolRuns.list({ project_id: projectId })).items.some((r) =>
        r.protocol_name.startsWith('issue-'),
      ),
    ).toBe(false);
  });

  it('creates a run from an issue by hand through the forge API; bad references are 4xx and change nothing', async () => {
    const projectId = await project();
    const created = await h.orchestrator.createRunFromIssue(projectId, { issue: 42 });
    expect(created).toMatchObject({
      created: true,
      run: { protocol_name: 'issue-42-fix-login-bug', status: 'pending' },
    });
    expect(issueReads).toEqual([{ provider: 'github', repository: 'acme/demo', number: 42, token: undefined }]);
    await expect(h.orchestrator.createRunFromIssue(projectId, { issue: 43 })).rejects.toMatchObject({
      name: 'NotFoundError',
      code: 'issue_not_found',
    });
    await expect(
      h.orchestrator.createRunFromIssue(projectId, { issue: 'https://github.com/x/y/issues/1' }),
    ).rejects.toMatchObject({
      name: 'ValidationError',
    });
    await expect(h.orchestrator.createRunFromIssue(4242, { issue: 1 })).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    expect(
      (await h.storage.protocolRuns.list({ project_id: projectId })).items.filter((r) =>
        r.protocol_name.startsWith('issue-'),
      ),
    ).toHaveLength(1);
  });

  it('a failing comment never blocks the run: the job fails, the run completes', async () => {
    const projectId = await project();
    await h.orchestrator.putIssueSettings(projectId, { auto_start: true, auto_advance: true, template: DEMO_TEMPLATE });
    failComments = true;
    const { runs } = await h.orchestrator.handleIssueDelivery({
      delivery_id: null,
      interpretation: issuesDelivery('opened'),
    });
    await h.drain();
    const { run, jobs, events } = await h.snapshot(runs[0]!.run.id);
    expect(run.status).toBe('completed');
    const commentJobs = jobs.filter((j) => j.job_type === 'issue_comment_job');
    expect(commentJobs.length).toBeGreaterThan(0);
    expect(commentJobs.every((j) => j.status === 'failed')).toBe(true);
    expect(types(events)).not.toContain('issue_comment_posted');
  });

  it('keeps issue settings per project, with defaults, and refuses bad fields', async () => {
    const projectId = await project();
    expect(await h.orchestrator.getIssueSettings(projectId)).toEqual({
      project_id: projectId,
      label: 'tasksgodzilla',
      auto_start: false,
      auto_advance: false,
      template: null,
      updated_at: null,
    });
    expect(await h.orchestrator.putIssueSettings(projectId, { auto_start: true })).toMatchObject({
      label: 'tasksgodzilla',
      auto_start: true,
    });
    await expect(
      h.orchestrator.putIssueSettings(projectId, { label: '', auto_start: 'yes' as unknown as boolean }),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      details: { issues: [{ path: ['label'] }, { path: ['auto_start'] }] },
    });
    expect((await h.orchestrator.getIssueSettings(projectId)).auto_start).toBe(true);
    await expect(h.orchestrator.getIssueSettings(4242)).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
