import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// Drives the BUILT apps as a user would: `node apps/api/dist/main.js` and `node apps/cli/dist/main.js`.

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const API_MAIN = join(ROOT, 'apps', 'api', 'dist', 'main.js');
export const CLI_MAIN = join(ROOT, 'apps', 'cli', 'dist', 'main.js');
export const DEMO = join(ROOT, 'tools', 'demo', 'demo.mjs');
export const DEMO_TEMPLATE = join(ROOT, 'tools', 'demo', 'template');

const GIT_USER = 'TasksGodzilla E2E';
const GIT_EMAIL = 'e2e@tasksgodzilla.invalid';

export function assertBuilt(): void {
  for (const file of [API_MAIN, CLI_MAIN]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`nx e2e @tasksgodzilla/cli\` (it builds the api and the cli first)`);
  }
}

/** The caller's environment without TASKSGODZILLA_* / GIT_* and with a git identity of our own. */
export function cleanEnv(work: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('TASKSGODZILLA_') && !key.startsWith('GIT_') && !key.startsWith('NX_') && key !== 'NODE_OPTIONS') env[key] = value;
  }
  const gitconfig = join(work, 'gitconfig');
  if (!existsSync(gitconfig)) writeFileSync(gitconfig, `[user]\n\tname = ${GIT_USER}\n\temail = ${GIT_EMAIL}\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n`);
  return {
    ...env,
    GIT_AUTHOR_NAME: GIT_USER,
    GIT_AUTHOR_EMAIL: GIT_EMAIL,
    GIT_COMMITTER_NAME: GIT_USER,
    GIT_COMMITTER_EMAIL: GIT_EMAIL,
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
  };
}

function git(cwd: string, args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
}

/** `<work>/origin.git`: a bare repository whose main has one commit. */
export function createOrigin(work: string, env: NodeJS.ProcessEnv): string {
  const seed = join(work, 'seed');
  const origin = join(work, 'origin.git');
  mkdirSync(seed);
  git(work, ['init', '--bare', '-b', 'main', origin], env);
  git(seed, ['init', '-b', 'main'], env);
  writeFileSync(join(seed, 'README.md'), '# e2e sample\n');
  writeFileSync(join(seed, 'package.json'), '{ "name": "e2e-sample", "private": true, "type": "module" }\n');
  git(seed, ['add', '-A'], env);
  git(seed, ['commit', '-m', 'Initial commit'], env);
  git(seed, ['remote', 'add', 'origin', origin], env);
  git(seed, ['push', '-u', 'origin', 'main'], env);
  return origin;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

export interface ApiProcess {
  base: string;
  work: string;
  env: NodeJS.ProcessEnv;
  logPath: string;
  stop(): Promise<void>;
}

function exitedWithin(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => resolveExit(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveExit(true);
    });
  });
}

/** Kills a detached child's whole process group: SIGTERM, then SIGKILL. */
export async function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    return;
  }
  if (await exitedWithin(child, 15_000)) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // gone
  }
  await exitedWithin(child, 5000);
}

/** The built api with an inline worker, a fresh SQLite file and the shell engine, on a free port. */
export async function startApi(): Promise<ApiProcess> {
  assertBuilt();
  const work = mkdtempSync(join(tmpdir(), 'tgz-cli-e2e-'));
  const env = cleanEnv(work);
  const port = await freePort();
  const logPath = join(work, 'api.log');
  const fd = openSync(logPath, 'a');
  const child = spawn(process.execPath, [API_MAIN, '--host', '127.0.0.1', '--port', String(port)], {
    cwd: work,
    env: {
      ...env,
      TASKSGODZILLA_DATA_DIR: join(work, 'data'),
      TASKSGODZILLA_INLINE_RQ_WORKER: 'true',
      TASKSGODZILLA_DEFAULT_ENGINE: 'shell',
      TASKSGODZILLA_GIT_USER: GIT_USER,
      TASKSGODZILLA_GIT_EMAIL: GIT_EMAIL,
      TASKSGODZILLA_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await killGroup(child);
    rmSync(work, { recursive: true, force: true });
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = readFileSync(logPath, 'utf8');
      await stop();
      throw new Error(`the api exited during start-up (${child.exitCode}):\n${log.slice(-3000)}`);
    }
    try {
      const response = await fetch(`${base}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('the api did not answer /health within 120 s');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { base, work, env, logPath, stop };
}

export interface TgzResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node apps/cli/dist/main.js <args>` to completion. */
export function tgz(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Promise<TgzResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tgz ${args.join(' ')} did not finish within ${options.timeoutMs ?? 120_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 120_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

/** Starts a long-running tgz command (events watch). */
export function spawnTgz(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; lines: string[]; stderr: () => string; waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string> } {
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
        const timer = setTimeout(() => reject(new Error(`no matching line within ${timeoutMs} ms; got:\n${lines.join('\n')}\nstderr: ${err}`)), timeoutMs);
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

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
