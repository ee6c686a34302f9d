import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TasksGodzillaClient } from '@tasksgodzilla/client';
import { createTempDir, createTestRepo, git, type TempDir, type TestRepo } from '@tasksgodzilla/testing';
import {
  FAKE_CODEX,
  FAKE_CODEX_SESSION as SESSION,
  codexFixtureSaying,
  onboardedProject,
  recordedCalls,
  runWaiter,
  startAgentApi,
  writeTemplate,
} from './agent-run.test-helpers.js';
import type { AppProcess } from './processes.test-helpers.js';
import { waitFor } from './stack.test-helpers.js';
import { createContractWatch } from '../src/contract-watch.test-helpers.js';

// Issue 9's loop through the built api (inline worker): a plan whose check is a ```checks fence, step 1
// failing it, the retry resuming the agent's session with the check's output, a draft PR on a stand-in
// GitHub, a CI failure (posted by the shipped scripts/ci/report.sh) re-opening the step with its evidence.

const REPORT_SH = fileURLToPath(
  new URL('../../../packages/services-onboarding/assets/scripts/ci/report.sh', import.meta.url),
);
const API_TOKEN = 'feedback-e2e-token';
const WEBHOOK_SECRET = 'feedback-e2e-secret';
const REMOTE = 'https://github.com/acme/demo.git';

const STEP_1 = [
  '# 01 - Greet',
  '',
  'Write `greeting.txt` containing the word hello.',
  '',
  '```checks',
  'grep -q hello greeting.txt',
  '```',
  '',
].join('\n');
const STEP_2 = ['# 02 - Notes', '', 'Add a line to the protocol log.', ''].join('\n');

interface ForgeRequest {
  method: string;
  url: string;
  body: Record<string, unknown>;
}

/** A stand-in for the GitHub REST API: answers `POST /repos/acme/demo/pulls` and records it. */
async function startForge(requests: ForgeRequest[]): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      requests.push({ method: request.method ?? '', url: request.url ?? '', body });
      if (request.method === 'POST' && request.url === '/repos/acme/demo/pulls') {
        response
          .writeHead(201, { 'content-type': 'application/json' })
          .end(
            JSON.stringify({ number: 7, html_url: 'https://github.com/acme/demo/pull/7', draft: body.draft === true }),
          );
        return;
      }
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * A `codex` that plays the fake's success stream, records each call (`call-N.json`: argv, stdin), and
 * does the step's work only from its second call on, so the first attempt fails its check.
 */
function writeCodexWrapper(dir: string, calls: string): string {
  const path = join(dir, 'codex');
  // QA reviews (read-only runs) get the same stream ending in a PASS verdict, and are not counted as calls.
  const qaFixture = codexFixtureSaying(dir, 'qa-pass', 'Looks right.\n\nVerdict: PASS');
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      `case " $* " in *" --version "*) exec "${process.execPath}" "${FAKE_CODEX}" --version ;; esac`,
      `case " $* " in *" read-only "*) FAKE_ENGINE_FIXTURE="${qaFixture}" exec "${process.execPath}" "${FAKE_CODEX}" "$@" ;; esac`,
      `n=$(( $(ls "${calls}" | grep -c '^call-') + 1 ))`,
      'workdir="$PWD"; previous=""',
      'for arg in "$@"; do if [ "$previous" = "--cd" ]; then workdir="$arg"; fi; previous="$arg"; done',
      'if [ "$n" -ge 2 ]; then echo "hello" > "$workdir/greeting.txt"; fi',
      `FAKE_ENGINE_FIXTURE=success FAKE_ENGINE_ARGV_FILE="${calls}/current.json" "${process.execPath}" "${FAKE_CODEX}" "$@"`,
      'code=$?',
      `mv "${calls}/current.json" "${calls}/call-$n.json"`,
      'exit $code',
      '',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
  return path;
}

describe('the feedback loop end to end (built api, fake codex, stand-in GitHub)', () => {
  let dir: TempDir;
  let repo: TestRepo;
  let api: AppProcess;
  let forge: { server: Server; url: string };
  let client: TasksGodzillaClient;
  let callsDir: string;
  const forgeRequests: ForgeRequest[] = [];
  // Every answer of the api is checked against the shared contract (a wrong field fails the call).
  const contract = createContractWatch();

  const calls = () => recordedCalls(callsDir, 'call');
  const run = (id: number) => client.getProtocol(id);
  const events = async (id: number) => (await client.listProtocolEvents(id, { limit: 500 })).items;
  const until = runWaiter(
    () => client,
    () => api,
  );

  beforeAll(async () => {
    dir = createTempDir('tgz-e2e-feedback-');
    repo = createTestRepo(join(dir.path, 'git'));
    // The project's URL is GitHub's (so the PR goes to the stand-in forge); git itself talks to the local bare origin.
    git(repo.path, ['remote', 'set-url', 'origin', REMOTE]);
    git(repo.path, ['config', `url.${repo.originPath}.insteadOf`, REMOTE]);
    callsDir = join(dir.path, 'calls');
    mkdirSync(callsDir);
    forge = await startForge(forgeRequests);
    ({ api, client } = await startAgentApi({
      dir: dir.path,
      codexBin: writeCodexWrapper(dir.path, callsDir),
      token: API_TOKEN,
      fetch: contract.fetch,
      env: {
        TASKSGODZILLA_WEBHOOK_TOKEN: WEBHOOK_SECRET,
        TASKSGODZILLA_GITHUB_API_URL: forge.url,
        GITHUB_TOKEN: 'forge-token',
        TASKSGODZILLA_GH_SSH: 'false',
        TASKSGODZILLA_AUTO_QA_AFTER_EXEC: 'true',
        // No gh/glab on the PATH: the PR goes through the REST API (the stand-in forge).
        PATH: ['/usr/local/bin', '/usr/bin', '/bin'].join(':'),
      },
    }));
  }, 180_000);

  afterAll(async () => {
    await api?.stop();
    await new Promise<void>((resolve) => (forge ? forge.server.close(() => resolve()) : resolve()));
    dir?.remove();
    contract.assertAllReported();
  }, 120_000);

  it('fails the check, retries with its output in a resumed session, opens a draft PR, and re-opens the step on a CI failure with the CI evidence', async () => {
    const project = await onboardedProject(client, {
      name: 'feedback',
      git_url: REMOTE,
      local_path: repo.path,
      ci_provider: 'github',
    });
    const template = writeTemplate(dir.path, '# Plan\n\nGreet, then take notes.\n', {
      '01-greet.md': STEP_1,
      '02-notes.md': STEP_2,
    });
    // engine_id is an api field the client's ProtocolRunCreate type does not list yet.
    const body = {
      protocol_name: '0001-greet',
      template,
      engine_id: 'codex',
      auto_advance: false,
      template_config: { auto_pr: 'draft' },
    };
    const created = await client.createProtocol(project.id, body);
    await client.startProtocol(created.id);
    await until(
      created.id,
      () => run(created.id),
      (r) => r.status === 'planned',
      'planned',
    );

    // auto_pr: draft — the PR is opened after planning, as a draft, against the stand-in GitHub.
    const opened = await waitFor(
      () => events(created.id),
      (list) => list.some((e) => e.event_type === 'open_pr' || e.event_type === 'open_pr_failed'),
      'open_pr',
    );
    expect(opened.find((e) => e.event_type === 'open_pr')?.metadata).toMatchObject({
      url: 'https://github.com/acme/demo/pull/7',
      draft: true,
    });
    expect(forgeRequests.filter((r) => r.method === 'POST')).toEqual([
      expect.objectContaining({
        url: '/repos/acme/demo/pulls',
        body: expect.objectContaining({ head: '0001-greet', base: 'main', draft: true }),
      }),
    ]);

    // Attempt 1: the agent does nothing, the check from the ```checks fence fails, the run blocks.
    await client.runNextStep(created.id);
    await until(
      created.id,
      () => run(created.id),
      (r) => r.status === 'blocked',
      'blocked after the failing check',
    );
    const steps = (await client.listSteps(created.id, { limit: 10 })).items;
    const greet = steps.find((s) => s.step_name === '01-greet.md')!;
    expect(greet.status).toBe('failed');
    expect(calls()).toHaveLength(1);
    expect(calls()[0]!.argv).not.toContain('resume');
    expect(calls()[0]!.stdin).toContain('Write `greeting.txt` containing the word hello.');
    expect(calls()[0]!.stdin).not.toContain('What went wrong last time');

    // Attempt 2: the same session, told only what failed (the check's command, exit code and output).
    await client.retryLatest(created.id);
    await until(
      created.id,
      () => client.getStep(greet.id),
      (s) => s.status === 'completed',
      'step 1 completed on retry',
    );
    const retry = calls()[1]!;
    expect(retry.argv).toEqual(expect.arrayContaining(['resume', SESSION]));
    expect(retry.stdin.startsWith('Your previous attempt at 01-greet.md did not pass.')).toBe(true);
    expect(retry.stdin).toContain('## What went wrong last time');
    expect(retry.stdin).toContain('This is attempt 2 of this step.');
    expect(retry.stdin).toMatch(/`grep -q hello greeting\.txt` exited [12]/);
    expect(retry.stdin).toContain('greeting.txt');
    const afterRetry = await client.getStep(greet.id);
    expect(afterRetry.runtime_state).toMatchObject({
      last_prompt: { attempt: 2, feedback: true, resumed_session_id: SESSION },
      session: { id: SESSION, engine_id: 'codex' },
    });

    // CI fails on the pushed branch: the shipped reporter posts it, signed, routed by repository + branch.
    const log = join(dir.path, 'ci.log');
    writeFileSync(log, 'npm test\nAssertionError: expected "hello" to equal "hello world"\n');
    await promisify(execFile)(REPORT_SH, ['failure', log], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        TASKSGODZILLA_URL: api.url,
        TASKSGODZILLA_WEBHOOK_TOKEN: WEBHOOK_SECRET,
        GITHUB_ACTIONS: 'true',
        GITHUB_REF_NAME: '0001-greet',
        GITHUB_REPOSITORY: 'acme/demo',
        GITHUB_JOB: 'unit-tests',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: '99',
      },
    });
    await until(
      created.id,
      () => run(created.id),
      (r) => r.status === 'blocked',
      'blocked by the CI failure',
    );
    expect((await client.getStep(greet.id)).status).toBe('failed');

    // Attempt 3 carries the CI evidence: job, conclusion, URL and the log's end.
    await client.retryLatest(created.id);
    await until(
      created.id,
      () => client.getStep(greet.id),
      (s) => s.status === 'completed',
      'step 1 completed after the CI fix',
    );
    const ciRetry = calls()[2]!;
    expect(ciRetry.argv).toEqual(expect.arrayContaining(['resume', SESSION]));
    expect(ciRetry.stdin).toContain('### CI failed (github)');
    expect(ciRetry.stdin).toContain(
      'Job: unit-tests; conclusion: failure; https://github.com/acme/demo/actions/runs/99',
    );
    expect(ciRetry.stdin).toContain('AssertionError: expected "hello" to equal "hello world"');

    // The rest of the plan runs; the run completes with its draft PR.
    await client.runNextStep(created.id);
    await until(
      created.id,
      () => run(created.id),
      (r) => r.status === 'completed',
      'completed',
    );
    expect(forgeRequests.filter((r) => r.method === 'POST')).toHaveLength(1);
  }, 300_000);
});
