import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTempDir, type TempDir } from '@tasksgodzilla/testing';
import { ensureStarterAssets } from '../src/starter-assets.js';

const run = promisify(execFile);

interface Delivery {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

// scripts/ci/report.sh as a repository gets it: posts to a stand-in api, signed as the forge signs.
describe('shipped scripts/ci/report.sh', () => {
  let dir: TempDir;
  let server: Server;
  let deliveries: Delivery[];
  let base: string;
  let script: string;

  beforeEach(async () => {
    dir = createTempDir('tgz-ci-report-');
    deliveries = [];
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        deliveries.push({
          url: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"Webhook recorded"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const repo = join(dir.path, 'repo');
    mkdirSync(repo);
    await ensureStarterAssets(repo);
    script = join(repo, 'scripts', 'ci', 'report.sh');
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    dir.remove();
  });

  const ciEnv = (extra: Record<string, string>) => ({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir.path,
    TASKSGODZILLA_URL: base,
    TASKSGODZILLA_WEBHOOK_TOKEN: 's3cret',
    ...extra,
  });

  it('GitHub: a check_run failure with the end of the log, signed with X-Hub-Signature-256', async () => {
    const log = join(dir.path, 'ci.log');
    writeFileSync(log, `${'noise\n'.repeat(2000)}FAIL "quoted" back\\slash\ttab\nexpected 2 got 3\n`);
    await run(script, ['failure', log], {
      env: ciEnv({
        GITHUB_ACTIONS: 'true',
        GITHUB_REF_NAME: '0001-demo',
        GITHUB_REPOSITORY: 'acme/demo',
        GITHUB_SHA: 'abc123',
        GITHUB_JOB: 'test',
        GITHUB_SERVER_URL: 'https://github.example',
        GITHUB_RUN_ID: '77',
        TASKSGODZILLA_LOG_CHARS: '200',
      }),
    });
    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    expect(delivery!.url).toBe('/webhooks/github');
    expect(delivery!.headers['x-github-event']).toBe('check_run');
    expect(delivery!.headers['x-hub-signature-256']).toBe(
      `sha256=${createHmac('sha256', 's3cret').update(delivery!.body).digest('hex')}`,
    );
    const payload = JSON.parse(delivery!.body);
    expect(payload).toMatchObject({
      repository: { full_name: 'acme/demo' },
      check_run: {
        name: 'test',
        status: 'completed',
        conclusion: 'failure',
        head_branch: '0001-demo',
        head_sha: 'abc123',
        html_url: 'https://github.example/acme/demo/actions/runs/77',
      },
    });
    expect(payload.check_run.output.text.endsWith('FAIL "quoted" back\\slash\ttab\nexpected 2 got 3')).toBe(true);
    expect(payload.check_run.output.text.length).toBeLessThanOrEqual(200);
  });

  it('GitLab: a pipeline hook with X-Gitlab-Token; a named run goes in the query', async () => {
    await run(script, ['success'], {
      env: ciEnv({
        GITLAB_CI: 'true',
        CI_COMMIT_REF_NAME: '0001-demo',
        CI_PROJECT_PATH: 'group/demo',
        CI_COMMIT_SHA: 'def',
        CI_JOB_NAME: 'build',
        TASKSGODZILLA_PROTOCOL_RUN_ID: '12',
      }),
    });
    const [delivery] = deliveries;
    expect(delivery!.url).toBe('/webhooks/gitlab?protocol_run_id=12');
    expect(delivery!.headers['x-gitlab-token']).toBe('s3cret');
    expect(JSON.parse(delivery!.body)).toMatchObject({
      object_kind: 'pipeline',
      project: { path_with_namespace: 'group/demo' },
      object_attributes: { ref: '0001-demo', status: 'success' },
      builds: [{ name: 'build', status: 'success' }],
    });
  });

  it('sends nothing without TASKSGODZILLA_URL, and refuses an unknown status', async () => {
    const quiet = await run(script, ['failure'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    expect(quiet.stderr).toContain('TASKSGODZILLA_URL is not set');
    await expect(run(script, ['maybe'], { env: ciEnv({}) })).rejects.toMatchObject({ code: 2 });
    expect(deliveries).toEqual([]);
  });
});
