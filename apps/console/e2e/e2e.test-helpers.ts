import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

// Drives the BUILT apps as a person would: `node apps/api/dist/main.js` serving the built console
// (apps/console/dist, its default), headless Chromium on it, and `node apps/cli/dist/main.js tui`.

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const API_MAIN = join(ROOT, 'apps', 'api', 'dist', 'main.js');
export const CLI_MAIN = join(ROOT, 'apps', 'cli', 'dist', 'main.js');
export const CONSOLE_INDEX = join(ROOT, 'apps', 'console', 'dist', 'index.html');
export const ARTIFACTS = join(ROOT, 'apps', 'console', 'test-artifacts');
export const TEMPLATE = join(import.meta.dirname, 'fixtures', 'template');
export const SLOW_TEMPLATE = join(import.meta.dirname, 'fixtures', 'slow-template');
export const CHROMIUM = '/usr/bin/chromium';

const GIT_USER = 'TasksGodzilla Console E2E';
const GIT_EMAIL = 'console-e2e@tasksgodzilla.invalid';

/** Generous: the machine is shared and slow; nothing here measures speed. */
export const LONG = 300_000;

export function assertBuilt(files: string[] = [API_MAIN, CONSOLE_INDEX]): void {
  for (const file of files) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`nx e2e @tasksgodzilla/console\` (it builds the console, the api and the cli first)`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the console e2e suite needs Debian's chromium`);
}

/** The caller's environment without TASKSGODZILLA_* / GIT_* / NX_* and with a git identity of our own. */
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

/** Stops a detached child's whole process group: SIGTERM, then SIGKILL. */
export async function killGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await exitedWithin(child, 15_000)) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // gone already
  }
  await exitedWithin(child, 5000);
}

export interface ApiProcess {
  base: string;
  work: string;
  env: NodeJS.ProcessEnv;
  logPath: string;
  /** Stops the api and removes its temp folder. */
  stop(): Promise<void>;
}

/**
 * The built api with an inline worker, a fresh SQLite data dir and the shell engine, on a free
 * port, in a temp folder of its own. It serves the built console by default (no --console-dir).
 */
export async function startApi(extraEnv: Record<string, string> = {}): Promise<ApiProcess> {
  assertBuilt();
  const work = mkdtempSync(join(tmpdir(), 'tgz-console-e2e-'));
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
      ...extraEnv,
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

/** The last lines of the api log, for failure messages. */
export function apiLogTail(api: ApiProcess, lines = 60): string {
  try {
    return readFileSync(api.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no api log)';
  }
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** `alert`/`confirm`/`prompt` dialogs that opened (none should). */
  dialogs: string[];
  /** Uncaught page errors. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Headless Debian Chromium with a fresh profile, driven by playwright-core. */
export async function openBrowser(): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), 'tgz-console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 1000 },
    timeout: 120_000,
  });
  context.setDefaultTimeout(60_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    context,
    page,
    dialogs,
    pageErrors,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot under apps/console/test-artifacts/ (gitignored). */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
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
