import { chmodSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@tasksgodzilla/testing';
import { createGitService } from './git-service.js';
import type { GitService, GitServiceDeps } from './git-service.types.js';

/**
 * Gives each test of the enclosing `describe` a fresh temp dir, removed after it. The returned
 * object reads the running test's dir, so it is taken once at describe level.
 */
export function useTempDir(prefix: string): { readonly path: string } {
  let dir: TempDir | undefined;
  beforeEach(() => {
    dir = createTempDir(prefix);
  });
  afterEach(() => {
    dir?.remove();
    dir = undefined;
  });
  return {
    get path(): string {
      if (!dir) throw new Error('useTempDir: the dir exists only while a test runs');
      return dir.path;
    },
  };
}

export const TEST_IDENTITY = { name: 'Godzilla Bot', email: 'bot@tasksgodzilla.invalid' };

/**
 * Child environment that ignores the machine's global and system git config (no identity, no
 * signing, no hooks path), so the suite behaves the same everywhere.
 */
export function isolatedGitEnv(dir: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  const emptyConfig = join(dir, 'empty.gitconfig');
  writeFileSync(emptyConfig, '');
  const env: Record<string, string | undefined> = {
    ...process.env,
    GIT_CONFIG_GLOBAL: emptyConfig,
    GIT_CONFIG_NOSYSTEM: '1',
    ...extra,
  };
  for (const key of Object.keys(env)) {
    if (
      /^GIT_(AUTHOR|COMMITTER)_|^EMAIL$|^GIT_DIR$|^GIT_WORK_TREE$|^GIT_INDEX_FILE$|^(http|https|all)_proxy$/i.test(key)
    )
      delete env[key];
  }
  return env;
}

/** A GitService for tests: no gh/glab unless given, unroutable REST URLs unless given, isolated config. */
export function createTestGitService(dir: string, overrides: Partial<GitServiceDeps> = {}): GitService {
  return createGitService({
    projectsRoot: join(dir, 'projects'),
    githubApiUrl: 'http://127.0.0.1:9/github',
    gitlabApiUrl: 'http://127.0.0.1:9/gitlab',
    ghBinary: null,
    glabBinary: null,
    identity: TEST_IDENTITY,
    env: isolatedGitEnv(dir),
    ...overrides,
  });
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
}

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A local HTTP server on 127.0.0.1:0 that records every request and answers with `respond`. */
export async function startFakeServer(respond: (request: RecordedRequest) => FakeResponse): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      };
      requests.push(recorded);
      const answer = respond(recorded);
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * Writes an executable fake CLI (`gh`/`glab`) into `dir`: it appends its argv, cwd and token to
 * `<dir>/<name>.calls.jsonl`, prints `stdout` and exits 0, or prints `stderr` and exits `exitCode`.
 */
export function writeFakeCli(
  dir: string,
  name: string,
  behaviour: { stdout?: string; stderr?: string; exitCode?: number },
): { path: string; callsFile: string } {
  const path = join(dir, name);
  const callsFile = join(dir, `${name}.calls.jsonl`);
  const script = [
    `#!${process.execPath}`,
    `const fs = require('node:fs');`,
    `fs.appendFileSync(${JSON.stringify(callsFile)}, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), ghToken: process.env.GH_TOKEN ?? null, gitlabToken: process.env.GITLAB_TOKEN ?? null }) + '\\n');`,
    `process.stdout.write(${JSON.stringify(behaviour.stdout ?? '')});`,
    `process.stderr.write(${JSON.stringify(behaviour.stderr ?? '')});`,
    `process.exit(${behaviour.exitCode ?? 0});`,
    '',
  ].join('\n');
  writeFileSync(path, script);
  chmodSync(path, 0o755);
  return { path, callsFile };
}
