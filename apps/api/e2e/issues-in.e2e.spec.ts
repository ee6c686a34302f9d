import { join } from 'node:path';
import { createClient, type TasksGodzillaClient } from '@tasksgodzilla/client';
import {
  createTempDir,
  createTestRepo,
  git,
  startFakeForge,
  type FakeForge,
  type TempDir,
  type TestRepo,
} from '@tasksgodzilla/testing';
import { API_MAIN, freePort, startApp, type AppProcess } from './processes.test-helpers.js';
import { TEMPLATE_DIR, waitFor } from './stack.test-helpers.js';
import { createContractWatch } from '../src/contract-watch.test-helpers.js';

// Issue 14, part 1 through the built api (inline worker, shell engine): a signed GitHub `issues` delivery
// opens a run that plans, runs every step by itself, opens a PR on a stand-in GitHub and completes; the
// run's ONE comment on the issue is posted once and edited in place up to the PR link and `completed`.

const API_TOKEN = 'issues-e2e-token';
const WEBHOOK_SECRET = 'issues-e2e-secret';
const FORGE_TOKEN = 'issues-e2e-forge-token';
const REMOTE = 'https://github.com/acme/demo.git';

describe('issues in end to end (built api, shell engine, stand-in GitHub)', () => {
  let dir: TempDir;
  let repo: TestRepo;
  let api: AppProcess;
  let forge: FakeForge;
  let client: TasksGodzillaClient;
  const contract = createContractWatch();

  beforeAll(async () => {
    dir = createTempDir('tgz-e2e-issues-');
    repo = createTestRepo(join(dir.path, 'git'));
    // The project's URL is GitHub's (issues and the PR go to the stand-in); git talks to the local bare origin.
    git(repo.path, ['remote', 'set-url', 'origin', REMOTE]);
    git(repo.path, ['config', `url.${repo.originPath}.insteadOf`, REMOTE]);
    forge = await startFakeForge('acme/demo');
    const port = await freePort();
    api = await startApp(
      'api',
      API_MAIN,
      port,
      ['--host', '127.0.0.1', '--port', String(port), '--inline-worker'],
      {
        TASKSGODZILLA_DATA_DIR: join(dir.path, 'data'),
        TASKSGODZILLA_DEFAULT_ENGINE: 'shell',
        TASKSGODZILLA_API_TOKEN: API_TOKEN,
        TASKSGODZILLA_WEBHOOK_TOKEN: WEBHOOK_SECRET,
        TASKSGODZILLA_GITHUB_API_URL: forge.url,
        TASKSGODZILLA_AUTO_PR: 'ready',
        // The PR is opened with the server's token; the issue comments with the project's forge_token.
        GITHUB_TOKEN: 'issues-e2e-server-token',
        TASKSGODZILLA_GH_SSH: 'false',
        TASKSGODZILLA_LOG_LEVEL: 'warn',
        TASKSGODZILLA_GIT_USER: 'TasksGodzilla E2E',
        TASKSGODZILLA_GIT_EMAIL: 'e2e@tasksgodzilla.invalid',
        // No gh on the PATH: the PR and the comments go through the REST API (the stand-in).
        PATH: ['/usr/local/bin', '/usr/bin', '/bin'].join(':'),
      },
      dir.path,
    );
    client = createClient({ baseUrl: api.url, token: API_TOKEN, timeoutMs: 60_000, fetch: contract.fetch });
  }, 180_000);

  afterAll(async () => {
    await api?.stop();
    await forge?.close();
    dir?.remove();
    contract.assertAllReported();
  }, 120_000);

  it('an issues webhook opens a run that completes; the same issue comment ends with the PR link and completed', async () => {
    const project = await client.createProject({
      name: 'issues',
      git_url: REMOTE,
      local_path: repo.path,
      ci_provider: 'github',
      secrets: { forge_token: FORGE_TOKEN },
    });
    await waitFor(
      () => client.getOnboarding(project.id),
      (summary) => summary.status === 'completed',
      'onboarding to complete',
    );
    await client.updateIssueSettings(project.id, { auto_start: true, auto_advance: true, template: TEMPLATE_DIR });

    const payload = {
      action: 'labeled',
      label: { name: 'tasksgodzilla' },
      issue: {
        number: 42,
        title: 'Fix login bug',
        body: 'Users cannot log in.',
        html_url: 'https://github.com/acme/demo/issues/42',
        state: 'open',
        labels: [{ name: 'tasksgodzilla' }],
      },
      repository: { full_name: 'acme/demo', clone_url: REMOTE },
    };
    const delivered = await client.sendGithubWebhook({
      event: 'issues',
      payload,
      secret: WEBHOOK_SECRET,
      delivery_id: 'issue-delivery-1',
    });
    expect(delivered.message).toMatch(/^Issue protocol: issue-42-fix-login-bug \(\d+\)$/);
    expect(delivered.job?.job_type).toBe('plan_protocol_job');
    const redelivered = await client.sendGithubWebhook({
      event: 'issues',
      payload,
      secret: WEBHOOK_SECRET,
      delivery_id: 'issue-delivery-1',
    });
    expect(redelivered.message).toBe('Webhook already processed (delivery issue-delivery-1)');

    const runs = await client.listProtocols(project.id);
    const run = runs.items.find((r) => r.protocol_name === 'issue-42-fix-login-bug');
    expect(run).toMatchObject({ description: 'Users cannot log in.', auto_advance: true });
    const done = await waitFor(
      () => client.getProtocol(run!.id),
      (r) => ['completed', 'blocked', 'failed', 'cancelled'].includes(r.status),
      'the issue run to end',
      240_000,
    );
    expect(done.status).toBe('completed');
    // auto_pr (server default `ready`): the PR is opened on the stand-in GitHub.
    const events = await waitFor(
      async () => (await client.listProtocolEvents(run!.id, { limit: 500 })).items,
      (items) => items.some((e) => ['open_pr', 'open_pr_failed', 'open_pr_skipped'].includes(e.event_type)),
      'the PR to be opened',
    );
    expect(
      events.filter((e) => e.event_type.startsWith('open_pr')).map((e) => `${e.event_type}: ${e.message}`),
    ).toContainEqual(expect.stringMatching(/^open_pr: /));

    // The comment converges on the final state: one comment, edited in place, with the PR and completed.
    await waitFor(
      async () => forge.comments.map((c) => ({ ...c })),
      (comments) =>
        comments.length === 1 && comments[0]!.body.includes('**completed**') && comments[0]!.body.includes('/pull/7'),
      'the issue comment to say completed, with the PR',
    );
    expect(forge.comments).toHaveLength(1);
    const [comment] = forge.comments;
    expect(comment!.issue).toBe(42);
    expect(comment!.edits).toBeGreaterThan(0);
    expect(comment!.body).toContain('- Pull request: https://github.com/acme/demo/pull/7');
    expect(comment!.body).toContain('- Plan: ');
    const commentCalls = forge.requests.filter((r) => r.url.includes('/issues/'));
    expect(commentCalls.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(commentCalls.every((r) => r.headers.authorization === `Bearer ${FORGE_TOKEN}`)).toBe(true);
    expect(commentCalls.every((r) => !JSON.stringify(r.body).includes(FORGE_TOKEN))).toBe(true);
    expect(api.output()).not.toContain(FORGE_TOKEN);

    // By hand: the same issue through the forge API finds the same run; another issue opens its own.
    forge.addIssue({ number: 42, title: 'Fix login bug', body: 'Users cannot log in.', labels: ['tasksgodzilla'] });
    forge.addIssue({ number: 43, title: 'Add a health check', body: 'GET /health', labels: [] });
    const same = await client.createProtocolFromIssue(project.id, { issue: 'https://github.com/acme/demo/issues/42' });
    expect(same).toMatchObject({ created: false, protocol_run: { id: run!.id } });
    const other = await client.createProtocolFromIssue(project.id, { issue: 43 });
    expect(other).toMatchObject({
      created: true,
      protocol_run: { protocol_name: 'issue-43-add-a-health-check', description: 'GET /health' },
    });
  }, 400_000);

  it('refuses bad input with 4xx naming the field and changes nothing; an unlabelled issue is ignored', async () => {
    const project = await client.createProject({ name: 'bad-input', git_url: REMOTE, local_path: repo.path });
    const failure = async (call: Promise<unknown>) => {
      try {
        await call;
      } catch (error) {
        return error as { status: number; message: string };
      }
      throw new Error('expected the call to fail');
    };
    const bad = await failure(
      client.updateIssueSettings(project.id, { auto_start: 'yes', label: '' } as unknown as { auto_start: boolean }),
    );
    expect(bad.status).toBe(422);
    expect(bad.message).toContain('auto_start');
    expect(bad.message).toContain('label');
    expect(await client.getIssueSettings(project.id)).toMatchObject({
      label: 'tasksgodzilla',
      auto_start: false,
      updated_at: null,
    });
    const elsewhere = await failure(
      client.createProtocolFromIssue(project.id, { issue: 'https://github.com/other/repo/issues/1' }),
    );
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.message).toContain("not on the project's repository");
    expect((await failure(client.createProtocolFromIssue(999_999, { issue: 1 }))).status).toBe(404);
    expect((await failure(client.getIssueSettings(999_999))).status).toBe(404);

    const ignored = await client.sendGithubWebhook({
      event: 'issues',
      secret: WEBHOOK_SECRET,
      delivery_id: 'unlabelled-1',
      payload: {
        action: 'opened',
        issue: { number: 77, title: 'Nope', body: '', state: 'open', labels: [{ name: 'bug' }] },
        repository: { full_name: 'acme/demo' },
      },
    });
    expect(ignored).toEqual({
      message: 'Webhook ignored: the issue does not carry the label "tasksgodzilla"',
      job: null,
    });
    const unsigned = await failure(
      client.sendGithubWebhook({ event: 'issues', signature: 'sha256=00', payload: { action: 'opened' } }),
    );
    expect(unsigned.status).toBe(401);
    const runs = await client.listProtocols(project.id);
    expect(runs.items.some((r) => r.protocol_name.startsWith('issue-77'))).toBe(false);
  }, 120_000);
});
