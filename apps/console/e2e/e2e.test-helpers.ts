import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  API_MAIN,
  ROOT,
  apiLogTail,
  assertBuilt as assertFilesBuilt,
  startApi as startApiAs,
  type ApiProcess,
} from '@tasksgodzilla/testing/api-process';
import { assertSystemPackages, chromiumPath } from '@tasksgodzilla/testing/system-packages';
import { createTempDir, createTestRepo, type TempDir } from '@tasksgodzilla/testing';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

// Drives the BUILT apps as a person would: `node apps/api/dist/main.js` serving the built console
// (apps/console/dist, its default), headless Chromium on it, and `node apps/cli/dist/main.js tui`.

export { API_MAIN, CLI_MAIN, ROOT, apiLogTail, eventually } from '@tasksgodzilla/testing/api-process';
export type { ApiProcess } from '@tasksgodzilla/testing/api-process';
export const CONSOLE_INDEX = join(ROOT, 'apps', 'console', 'dist', 'index.html');
export const ARTIFACTS = join(ROOT, 'apps', 'console', 'test-artifacts');
export const TEMPLATE = join(import.meta.dirname, 'fixtures', 'template');
export const SLOW_TEMPLATE = join(import.meta.dirname, 'fixtures', 'slow-template');
/** One step that asks a person on its first run (a NEEDS_INPUT: line), then writes greeting.txt. */
export const ASKING_TEMPLATE = join(import.meta.dirname, 'fixtures', 'asking-template');
export const CHROMIUM = chromiumPath();

const IDENTITY = { name: 'TasksGodzilla Console E2E', email: 'console-e2e@tasksgodzilla.invalid' };

/** Generous: the machine is shared and slow; nothing here measures speed. */
export const LONG = 300_000;

export function assertBuilt(files: string[] = [API_MAIN, CONSOLE_INDEX]): void {
  assertFilesBuilt(files, 'run `nx e2e @tasksgodzilla/console` (it builds the console, the api and the cli first)');
}

/**
 * The built api with an inline worker, a fresh SQLite data dir and the shell engine, on a free
 * port, in a temp folder of its own. It serves the built console by default (no --console-dir).
 */
export function startApi(extraEnv: Record<string, string> = {}): Promise<ApiProcess> {
  assertBuilt();
  return startApiAs({ identity: IDENTITY, tempPrefix: 'tgz-console-e2e-', extraEnv });
}

/** The built api (see `startApi`) and a local bare origin to onboard as a project. */
export interface ApiWithOrigin {
  api: ApiProcess;
  /** Path of the bare origin repository (a project's git URL). */
  origin: string;
  /** Stops the api and removes the repositories. */
  stop(): Promise<void>;
}

/** `startApi(extraEnv)` plus a fresh test repository in a temp folder named `repoPrefix…`. */
export async function startApiWithOrigin(
  repoPrefix: string,
  extraEnv: Record<string, string> = {},
): Promise<ApiWithOrigin> {
  const api = await startApi(extraEnv);
  let repos: TempDir | undefined;
  try {
    repos = createTempDir(repoPrefix);
    const origin = createTestRepo(repos.path).originPath;
    const created = repos;
    const stop = async () => {
      await api.stop();
      created.remove();
    };
    return { api, origin, stop };
  } catch (error) {
    await api.stop();
    repos?.remove();
    throw error;
  }
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** `alert`/`confirm`/`prompt` dialogs that opened (none should). */
  dialogs: string[];
  /** Uncaught page errors. */
  pageErrors: string[];
  /** `console.error` messages of the page (failed requests among them). */
  consoleErrors: string[];
  close(): Promise<void>;
}

/** Headless Debian Chromium with a fresh profile, driven by playwright-core. */
export async function openBrowser(): Promise<BrowserSession> {
  assertSystemPackages(['chromium']);
  const profile = mkdtempSync(join(tmpdir(), 'tgz-console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1440, height: 1000 },
    timeout: 120_000,
  });
  context.setDefaultTimeout(60_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
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
    consoleErrors,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a browser scenario; on failure keeps a full-page screenshot and adds the page's errors, its
 * console errors and the api log to the error, so a timeout says what the page and the api saw.
 */
export async function scenario(
  browser: BrowserSession,
  api: ApiProcess,
  name: string,
  body: (page: Page) => Promise<void>,
): Promise<void> {
  try {
    await body(browser.page);
  } catch (error) {
    const shot = await screenshot(browser.page, `${name}-failure`, true).catch(() => 'none');
    throw new Error(
      [
        error instanceof Error ? error.message : String(error),
        `--- screenshot: ${shot}`,
        `--- page errors ---\n${browser.pageErrors.join('\n')}`,
        `--- page console errors ---\n${browser.consoleErrors.join('\n')}`,
        `--- api log ---\n${apiLogTail(api)}`,
      ].join('\n'),
    );
  }
}

/** Saves a screenshot under apps/console/test-artifacts/ (gitignored). */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}
