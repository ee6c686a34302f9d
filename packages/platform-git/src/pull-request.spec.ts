import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitError, ValidationError } from '@tasksgodzilla/core';
import { createTestRepo } from '@tasksgodzilla/testing';
import {
  createTestGitService,
  isolatedGitEnv,
  startFakeServer,
  writeFakeCli,
  type FakeResponse,
  type FakeServer,
  type RecordedRequest,
  useTempDir,
} from './git.test-helpers.js';

function readCalls(
  callsFile: string,
): { argv: string[]; cwd: string; ghToken: string | null; gitlabToken: string | null }[] {
  return readFileSync(callsFile, 'utf8')
    .trim()
    .split('\n')
    .map(
      (line) => JSON.parse(line) as { argv: string[]; cwd: string; ghToken: string | null; gitlabToken: string | null },
    );
}

describe('GitService.openPullRequest', () => {
  const dir = useTempDir('tgz-git-pr-');
  let server: FakeServer | undefined;
  let repoPath: string;

  beforeEach(() => {
    repoPath = createTestRepo(dir.path, { withOrigin: false }).path;
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serve(respond: (request: RecordedRequest) => FakeResponse): Promise<FakeServer> {
    server = await startFakeServer(respond);
    return server;
  }

  /** A forge that answers every request with 201 and `body`. */
  const serveCreated = (body: FakeResponse['body']) => serve(() => ({ status: 201, body }));

  /** Points the test repository's origin at `url` before each test of the enclosing describe. */
  function useOrigin(url: string): void {
    beforeEach(() => createTestGitService(dir.path).setOriginUrl(repoPath, url));
  }

  describe('GitHub REST', () => {
    useOrigin('https://github.com/acme/widgets.git');

    it('creates the PR with a bearer token (201)', async () => {
      const fake = await serveCreated({ html_url: 'https://github.com/acme/widgets/pull/42', number: 42 });
      const service = createTestGitService(dir.path, { githubApiUrl: `${fake.url}/api/v3/`, githubToken: 'ghp_test' });
      const result = await service.openPullRequest({
        repoPath,
        branch: '0001-login',
        base: 'main',
        title: 'Protocol 0001-login',
        body: 'Steps: 3',
        draft: true,
      });

      expect(result).toEqual({
        provider: 'github',
        via: 'rest',
        created: true,
        url: 'https://github.com/acme/widgets/pull/42',
        number: 42,
      });
      expect(fake.requests).toHaveLength(1);
      const [request] = fake.requests;
      expect(request?.method).toBe('POST');
      expect(request?.url).toBe('/api/v3/repos/acme/widgets/pulls');
      expect(request?.headers.authorization).toBe('Bearer ghp_test');
      expect(request?.headers.accept).toBe('application/vnd.github+json');
      expect(request?.headers['content-type']).toBe('application/json');
      expect(request?.headers['user-agent']).toBe('tasksgodzilla');
      expect(request?.body).toEqual({
        title: 'Protocol 0001-login',
        head: '0001-login',
        base: 'main',
        body: 'Steps: 3',
        draft: true,
        maintainer_can_modify: true,
      });
    });

    it('returns the existing PR when GitHub answers 422 "already exists"', async () => {
      const fake = await serve((request) =>
        request.method === 'POST'
          ? {
              status: 422,
              body: {
                message: 'Validation Failed',
                errors: [
                  {
                    resource: 'PullRequest',
                    code: 'custom',
                    message: 'A pull request already exists for acme:0001-login.',
                  },
                ],
              },
            }
          : { status: 200, body: [{ html_url: 'https://github.com/acme/widgets/pull/7', number: 7 }] },
      );
      const service = createTestGitService(dir.path, { githubApiUrl: fake.url, githubToken: 'ghp_test' });
      const result = await service.openPullRequest({
        repoPath,
        branch: '0001-login',
        base: 'main',
        title: 'Protocol 0001-login',
      });

      expect(result).toEqual({
        provider: 'github',
        via: 'rest',
        created: false,
        url: 'https://github.com/acme/widgets/pull/7',
        number: 7,
      });
      expect(fake.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        'POST /repos/acme/widgets/pulls',
        'GET /repos/acme/widgets/pulls?head=acme%3A0001-login&base=main&state=open',
      ]);
      expect(fake.requests[1]?.headers.authorization).toBe('Bearer ghp_test');
    });

    it('fails with a non-retryable GitError on 401 and on other 422s, retryable on 5xx', async () => {
      let answer: FakeResponse = { status: 401, body: { message: 'Bad credentials' } };
      const fake = await serve(() => answer);
      const service = createTestGitService(dir.path, { githubApiUrl: fake.url, githubToken: 'wrong' });
      const input = { repoPath, branch: 'b', base: 'main', title: 't' };

      const unauthorized = await service.openPullRequest(input).catch((e: unknown) => e);
      expect(unauthorized).toBeInstanceOf(GitError);
      expect(unauthorized).toMatchObject({ code: 'forge_auth_failed', retryable: false, details: { status: 401 } });
      expect((unauthorized as GitError).message).toContain('Bad credentials');

      answer = {
        status: 422,
        body: { message: 'Validation Failed', errors: [{ message: 'No commits between main and b' }] },
      };
      await expect(service.openPullRequest(input)).rejects.toMatchObject({
        code: 'forge_request_failed',
        retryable: false,
      });

      answer = { status: 502, body: { message: 'Bad gateway' } };
      await expect(service.openPullRequest(input)).rejects.toMatchObject({
        code: 'forge_unavailable',
        retryable: true,
      });
    });

    it('is an explicit error without gh and without a token', async () => {
      const service = createTestGitService(dir.path);
      await expect(service.openPullRequest({ repoPath, branch: 'b', base: 'main', title: 't' })).rejects.toMatchObject({
        code: 'forge_credentials_missing',
        retryable: false,
      });
    });

    it('is a retryable error when the API cannot be reached', async () => {
      const service = createTestGitService(dir.path, { githubApiUrl: 'http://127.0.0.1:9', githubToken: 'x' });
      await expect(service.openPullRequest({ repoPath, branch: 'b', base: 'main', title: 't' })).rejects.toMatchObject({
        code: 'forge_unreachable',
        retryable: true,
      });
    });
  });

  describe('GitLab REST', () => {
    useOrigin('git@gitlab.example.com:group/sub/app.git');

    it('creates the MR with PRIVATE-TOKEN against the URL-encoded project path (201)', async () => {
      const fake = await serveCreated({
        web_url: 'https://gitlab.example.com/group/sub/app/-/merge_requests/5',
        iid: 5,
      });
      const service = createTestGitService(dir.path, { gitlabApiUrl: `${fake.url}/api/v4`, gitlabToken: 'glpat-test' });
      const result = await service.openPullRequest({
        repoPath,
        branch: 'feature/x',
        base: 'develop',
        title: 'Add x',
        body: 'desc',
        draft: true,
      });

      expect(result).toEqual({
        provider: 'gitlab',
        via: 'rest',
        created: true,
        url: 'https://gitlab.example.com/group/sub/app/-/merge_requests/5',
        number: 5,
      });
      const [request] = fake.requests;
      expect(request?.method).toBe('POST');
      expect(request?.url).toBe('/api/v4/projects/group%2Fsub%2Fapp/merge_requests');
      expect(request?.headers['private-token']).toBe('glpat-test');
      expect(request?.headers.authorization).toBeUndefined();
      expect(request?.body).toEqual({
        source_branch: 'feature/x',
        target_branch: 'develop',
        title: 'Draft: Add x',
        description: 'desc',
      });
    });

    it('returns the open MR on 409', async () => {
      const fake = await serve((request) =>
        request.method === 'POST'
          ? { status: 409, body: { message: ['Another open merge request already exists for this source branch: !3'] } }
          : { status: 200, body: [{ web_url: 'https://gitlab.example.com/group/sub/app/-/merge_requests/3', iid: 3 }] },
      );
      const service = createTestGitService(dir.path, { gitlabApiUrl: fake.url, gitlabToken: 'glpat-test' });
      const result = await service.openPullRequest({ repoPath, branch: 'feature/x', base: 'main', title: 'Add x' });

      expect(result).toMatchObject({ provider: 'gitlab', via: 'rest', created: false, number: 3 });
      expect(fake.requests[1]?.method).toBe('GET');
      expect(fake.requests[1]?.url).toBe(
        '/projects/group%2Fsub%2Fapp/merge_requests?source_branch=feature%2Fx&target_branch=main&state=opened',
      );
      expect(fake.requests[1]?.headers['private-token']).toBe('glpat-test');
    });

    it('fails on 401 without retrying', async () => {
      const fake = await serve(() => ({ status: 401, body: { message: '401 Unauthorized' } }));
      const service = createTestGitService(dir.path, { gitlabApiUrl: fake.url, gitlabToken: 'bad' });
      await expect(service.openPullRequest({ repoPath, branch: 'x', base: 'main', title: 't' })).rejects.toMatchObject({
        code: 'forge_auth_failed',
        retryable: false,
      });
    });
  });

  describe('CLIs', () => {
    it.each([
      {
        cli: 'gh',
        stdout: 'Creating pull request for 0004-cli into main\n\nhttps://github.com/acme/widgets/pull/11\n',
        deps: { githubToken: 'ghp_cli' },
        input: { branch: '0004-cli', base: 'main', title: 'Protocol 0004-cli', body: 'body text', draft: true },
        provider: 'github' as const,
        result: { url: 'https://github.com/acme/widgets/pull/11', number: 11 },
        argv: [
          'pr',
          'create',
          '--title',
          'Protocol 0004-cli',
          '--body',
          'body text',
          '--base',
          'main',
          '--head',
          '0004-cli',
          '--draft',
        ],
        token: { ghToken: 'ghp_cli' },
      },
      {
        cli: 'glab',
        stdout: 'https://gitlab.example.com/group/app/-/merge_requests/5\n',
        deps: { gitlabToken: 'glpat' },
        input: { branch: 'b', base: 'main', title: 't', body: 'd' },
        provider: 'gitlab' as const,
        result: { url: 'https://gitlab.example.com/group/app/-/merge_requests/5', number: 5 },
        argv: [
          'mr',
          'create',
          '--title',
          't',
          '--description',
          'd',
          '--target-branch',
          'main',
          '--source-branch',
          'b',
          '--yes',
        ],
        token: { gitlabToken: 'glpat' },
      },
    ])(
      'uses $cli when it is installed, passing the branch, base, title, body and token',
      async ({ cli, stdout, deps, input, provider, result, argv, token }) => {
        const fake = writeFakeCli(dir.path, cli, { stdout });
        const binary = cli === 'gh' ? { ghBinary: fake.path } : { glabBinary: fake.path };
        const service = createTestGitService(dir.path, { ...binary, ...deps });
        // A local-path origin names no forge, so the provider comes from the project.
        expect(await service.openPullRequest({ repoPath, ...input, provider })).toEqual({
          provider,
          via: cli,
          created: true,
          ...result,
        });
        const calls = readCalls(fake.callsFile);
        expect(calls).toHaveLength(1);
        expect(calls[0]?.argv).toEqual(argv);
        expect(calls[0]?.cwd).toBe(repoPath);
        expect(calls[0]).toMatchObject(token);
      },
    );

    it('finds gh by name on the PATH of the child environment', async () => {
      const gh = writeFakeCli(dir.path, 'gh', { stdout: 'https://github.com/acme/widgets/pull/12\n' });
      const service = createTestGitService(dir.path, {
        ghBinary: 'gh',
        env: isolatedGitEnv(dir.path, { PATH: `${dir.path}:${process.env.PATH ?? ''}` }),
      });
      const result = await service.openPullRequest({
        repoPath,
        branch: 'b',
        base: 'main',
        title: 't',
        provider: 'github',
      });
      expect(result).toMatchObject({ via: 'gh', number: 12 });
      expect(readCalls(gh.callsFile)[0]?.ghToken).toBeNull();
    });

    it('treats gh "already exists" as the existing PR, and other gh failures as GitErrors', async () => {
      const exists = writeFakeCli(dir.path, 'gh', {
        stderr:
          'a pull request for branch "b" into branch "main" already exists:\nhttps://github.com/acme/widgets/pull/9\n',
        exitCode: 1,
      });
      const service = createTestGitService(dir.path, { ghBinary: exists.path });
      expect(
        await service.openPullRequest({ repoPath, branch: 'b', base: 'main', title: 't', provider: 'github' }),
      ).toEqual({
        provider: 'github',
        via: 'gh',
        created: false,
        url: 'https://github.com/acme/widgets/pull/9',
        number: 9,
      });

      const broken = writeFakeCli(dir.path, 'gh-broken', {
        stderr: 'HTTP 401: Bad credentials (https://api.github.com/graphql)\n',
        exitCode: 1,
      });
      const failing = createTestGitService(dir.path, { ghBinary: broken.path });
      const error = await failing
        .openPullRequest({ repoPath, branch: 'b', base: 'main', title: 't', provider: 'github' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GitError);
      expect((error as GitError).message).toContain('Bad credentials');
    });

    it('falls back to REST when the configured gh is not installed', async () => {
      const fake = await serveCreated({ html_url: 'https://github.com/acme/widgets/pull/1', number: 1 });
      const service = createTestGitService(dir.path, {
        ghBinary: join(dir.path, 'no-such-gh'),
        githubApiUrl: fake.url,
        githubToken: 't',
      });
      await service.setOriginUrl(repoPath, 'git@github.com:acme/widgets.git');
      expect(await service.openPullRequest({ repoPath, branch: 'b', base: 'main', title: 't' })).toMatchObject({
        via: 'rest',
        number: 1,
      });
    });
  });

  it('needs a known forge and valid input', async () => {
    const service = createTestGitService(dir.path, { githubToken: 't' });
    await expect(service.openPullRequest({ repoPath, branch: 'b', base: 'main', title: 't' })).rejects.toMatchObject({
      code: 'forge_unknown',
    });
    await service.setOriginUrl(repoPath, 'https://bitbucket.org/acme/widgets.git');
    await expect(service.openPullRequest({ repoPath, branch: 'b', base: 'main', title: 't' })).rejects.toMatchObject({
      code: 'forge_unknown',
    });
    await expect(service.openPullRequest({ repoPath, branch: '-b', base: 'main', title: 't' })).rejects.toThrow(
      ValidationError,
    );
    await expect(service.openPullRequest({ repoPath, branch: 'b', base: 'main', title: ' ' })).rejects.toThrow(
      ValidationError,
    );
  });
});
