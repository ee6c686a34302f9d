import { GitError } from '@tasksgodzilla/core';
import {
  createTestGitService,
  startFakeServer,
  type FakeServer,
  type RecordedRequest,
  type FakeResponse,
  useTempDir,
} from './git.test-helpers.js';

describe('GitService issues over REST', () => {
  const dir = useTempDir('tgz-git-issues-');
  let server: FakeServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serve(respond: (request: RecordedRequest) => FakeResponse): Promise<FakeServer> {
    server = await startFakeServer(respond);
    return server;
  }

  describe('GitHub', () => {
    it('reads an issue: title, body, url, label names; the call token wins over the configured one', async () => {
      const fake = await serve(() => ({
        status: 200,
        body: {
          number: 42,
          title: 'Fix login bug',
          body: 'Users cannot log in.',
          html_url: 'https://github.com/acme/demo/issues/42',
          labels: [{ name: 'bug' }, { name: 'tasksgodzilla' }],
          state: 'open',
        },
      }));
      const git = createTestGitService(dir.path, { githubApiUrl: `${fake.url}/`, githubToken: 'configured' });
      const issue = await git.getIssue({ provider: 'github', repository: 'acme/demo', number: 42, token: 'project' });
      expect(issue).toEqual({
        provider: 'github',
        repository: 'acme/demo',
        number: 42,
        title: 'Fix login bug',
        body: 'Users cannot log in.',
        url: 'https://github.com/acme/demo/issues/42',
        labels: ['bug', 'tasksgodzilla'],
        state: 'open',
      });
      expect(fake.requests).toHaveLength(1);
      expect(fake.requests[0]).toMatchObject({ method: 'GET', url: '/repos/acme/demo/issues/42' });
      expect(fake.requests[0]?.headers.authorization).toBe('Bearer project');
    });

    it('refuses a pull request and maps a 404 to forge_not_found', async () => {
      const fake = await serve((request) =>
        request.url.endsWith('/7')
          ? { status: 200, body: { number: 7, pull_request: {} } }
          : { status: 404, body: { message: 'Not Found' } },
      );
      const git = createTestGitService(dir.path, { githubApiUrl: fake.url, githubToken: 't' });
      const pr = await git
        .getIssue({ provider: 'github', repository: 'acme/demo', number: 7 })
        .catch((e: unknown) => e);
      expect(pr).toBeInstanceOf(GitError);
      expect((pr as GitError).code).toBe('forge_not_an_issue');
      const missing = await git
        .getIssue({ provider: 'github', repository: 'acme/demo', number: 8 })
        .catch((e: unknown) => e);
      expect((missing as GitError).code).toBe('forge_not_found');
    });

    it('posts the comment once, then edits the same comment; a deleted comment is posted again', async () => {
      let deleted = false;
      const fake = await serve((request) => {
        if (request.method === 'POST') return { status: 201, body: { id: deleted ? 9002 : 9001 } };
        if (request.method === 'PATCH')
          return deleted ? { status: 404, body: { message: 'Not Found' } } : { status: 200, body: { id: 9001 } };
        return { status: 405 };
      });
      const git = createTestGitService(dir.path, { githubApiUrl: fake.url, githubToken: 't' });
      const ref = { provider: 'github' as const, repository: 'acme/demo', number: 42 };
      expect(await git.upsertIssueComment({ ...ref, commentId: null, body: 'planned' })).toEqual({
        commentId: '9001',
        created: true,
      });
      expect(await git.upsertIssueComment({ ...ref, commentId: '9001', body: 'PR opened' })).toEqual({
        commentId: '9001',
        created: false,
      });
      deleted = true;
      expect(await git.upsertIssueComment({ ...ref, commentId: '9001', body: 'done' })).toEqual({
        commentId: '9002',
        created: true,
      });
      expect(fake.requests.map((r) => `${r.method} ${r.url} ${JSON.stringify(r.body)}`)).toEqual([
        'POST /repos/acme/demo/issues/42/comments {"body":"planned"}',
        'PATCH /repos/acme/demo/issues/comments/9001 {"body":"PR opened"}',
        'PATCH /repos/acme/demo/issues/comments/9001 {"body":"done"}',
        'POST /repos/acme/demo/issues/42/comments {"body":"done"}',
      ]);
    });

    it('without any token fails before calling the forge; a 500 is retryable', async () => {
      const fake = await serve(() => ({ status: 500, body: { message: 'boom' } }));
      const noToken = createTestGitService(dir.path, { githubApiUrl: fake.url });
      const missing = await noToken
        .getIssue({ provider: 'github', repository: 'a/b', number: 1 })
        .catch((e: unknown) => e);
      expect((missing as GitError).code).toBe('forge_credentials_missing');
      expect(fake.requests).toHaveLength(0);
      const git = createTestGitService(dir.path, { githubApiUrl: fake.url, githubToken: 't' });
      const failed = await git
        .upsertIssueComment({ provider: 'github', repository: 'a/b', number: 1, commentId: null, body: 'x' })
        .catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(GitError);
      expect((failed as GitError).retryable).toBe(true);
    });
  });

  describe('GitLab', () => {
    it('reads an issue by project path and iid, and edits its note in place', async () => {
      const fake = await serve((request) => {
        if (request.method === 'GET')
          return {
            status: 200,
            body: {
              iid: 5,
              title: 'Add export',
              description: null,
              web_url: 'https://gitlab.com/g/sub/p/-/issues/5',
              labels: ['tasksgodzilla'],
              state: 'opened',
            },
          };
        return { status: request.method === 'POST' ? 201 : 200, body: { id: 77 } };
      });
      const git = createTestGitService(dir.path, { gitlabApiUrl: `${fake.url}/api/v4`, gitlabToken: 'glpat' });
      const issue = await git.getIssue({ provider: 'gitlab', repository: 'g/sub/p', number: 5 });
      expect(issue).toMatchObject({
        number: 5,
        title: 'Add export',
        body: '',
        labels: ['tasksgodzilla'],
        state: 'opened',
      });
      const ref = { provider: 'gitlab' as const, repository: 'g/sub/p', number: 5 };
      expect(await git.upsertIssueComment({ ...ref, commentId: null, body: 'a' })).toEqual({
        commentId: '77',
        created: true,
      });
      expect(await git.upsertIssueComment({ ...ref, commentId: '77', body: 'b' })).toEqual({
        commentId: '77',
        created: false,
      });
      expect(fake.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        'GET /api/v4/projects/g%2Fsub%2Fp/issues/5',
        'POST /api/v4/projects/g%2Fsub%2Fp/issues/5/notes',
        'PUT /api/v4/projects/g%2Fsub%2Fp/issues/5/notes/77',
      ]);
      expect(fake.requests[0]?.headers['private-token']).toBe('glpat');
    });
  });
});
