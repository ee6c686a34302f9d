import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  API_MAIN,
  CLI_MAIN,
  ROOT,
  assertBuilt as assertFilesBuilt,
  createOrigin as createOriginWith,
  startApi as startApiAs,
  type ApiProcess,
} from '@tasksgodzilla/testing/api-process';

// Drives the BUILT apps as a user would: `node apps/api/dist/main.js` and `node apps/cli/dist/main.js`.

export { API_MAIN, CLI_MAIN, ROOT, eventually, freePort, tgz } from '@tasksgodzilla/testing/api-process';
export type { ApiProcess, TgzResult } from '@tasksgodzilla/testing/api-process';
export const DEMO = join(ROOT, 'tools', 'demo', 'demo.mjs');
export const DEMO_TEMPLATE = join(ROOT, 'tools', 'demo', 'template');

const IDENTITY = { name: 'TasksGodzilla E2E', email: 'e2e@tasksgodzilla.invalid' };

export function assertBuilt(): void {
  assertFilesBuilt([API_MAIN, CLI_MAIN], 'run `nx e2e @tasksgodzilla/cli` (it builds the api and the cli first)');
}

/** `<work>/origin.git`: a bare repository whose main has one commit. */
export function createOrigin(work: string, env: NodeJS.ProcessEnv): string {
  return createOriginWith(work, env, {
    'README.md': '# e2e sample\n',
    'package.json': '{ "name": "e2e-sample", "private": true, "type": "module" }\n',
  });
}

/** The built api with an inline worker, a fresh SQLite file and the shell engine, on a free port. */
export function startApi(): Promise<ApiProcess> {
  assertBuilt();
  return startApiAs({ identity: IDENTITY, tempPrefix: 'tgz-cli-e2e-' });
}

/** Starts a long-running tgz command (events watch). */
export function spawnTgz(
  args: string[],
  env: NodeJS.ProcessEnv,
): {
  child: ChildProcess;
  lines: string[];
  stderr: () => string;
  waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string>;
} {
  const child = spawn(process.execPath, [CLI_MAIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let buffer = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.match(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  return {
    child,
    lines,
    stderr: () => err,
    waitForLine: (match, timeoutMs) =>
      new Promise((resolveLine, reject) => {
        const found = lines.find(match);
        if (found !== undefined) return resolveLine(found);
        const timer = setTimeout(
          () => reject(new Error(`no matching line within ${timeoutMs} ms; got:\n${lines.join('\n')}\nstderr: ${err}`)),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (line) => {
            clearTimeout(timer);
            resolveLine(line);
          },
        });
      }),
  };
}
