import {
  LONG,
  apiLogTail,
  openBrowser,
  screenshot,
  startApi,
  type ApiProcess,
  type BrowserSession,
} from './e2e.test-helpers.js';

// The bearer token lives in memory; "remember" keeps it in this tab's sessionStorage; never localStorage.

const TOKEN = 'console-e2e-secret-token';

describe('api token in the console (headless Chromium, api with TASKSGODZILLA_API_TOKEN)', () => {
  let api: ApiProcess;
  let browser: BrowserSession;

  beforeAll(async () => {
    api = await startApi({ TASKSGODZILLA_API_TOKEN: TOKEN });
    browser = await openBrowser();
  }, LONG);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  const storage = (kind: 'localStorage' | 'sessionStorage') =>
    browser.page.evaluate((which) => {
      const store = window[which as 'localStorage' | 'sessionStorage'];
      return Object.fromEntries(
        Array.from({ length: store.length }, (_, i) => store.key(i) ?? '').map((key) => [key, store.getItem(key)]),
      );
    }, kind);

  it(
    'asks for the token, keeps it in memory only, and in sessionStorage only when "remember" is ticked',
    async () => {
      const { page } = browser;
      try {
        await page.goto(`${api.base}/console`);
        await page.getByTestId('status').filter({ hasText: 'Add a bearer token to start.' }).waitFor();

        await page.getByLabel('Bearer token').fill(TOKEN);
        await page.getByRole('button', { name: 'Use token' }).click();
        await page.getByText('No projects yet. Onboard one below.').waitFor();
        await page.getByTestId('live-state').filter({ hasText: 'live' }).waitFor();
        expect(JSON.stringify(await storage('localStorage'))).not.toContain(TOKEN);
        expect(JSON.stringify(await storage('sessionStorage'))).not.toContain(TOKEN);

        // Not remembered: a reload forgets it.
        await page.reload();
        await page.getByTestId('status').filter({ hasText: 'Add a bearer token to start.' }).waitFor();

        await page.getByLabel('Bearer token').fill(TOKEN);
        await page.getByLabel('remember').check();
        await page.getByRole('button', { name: 'Use token' }).click();
        await page.getByText('No projects yet. Onboard one below.').waitFor();
        expect(JSON.stringify(await storage('sessionStorage'))).toContain(TOKEN);
        expect(JSON.stringify(await storage('localStorage'))).not.toContain(TOKEN);

        // Remembered for this tab: a reload keeps working without asking.
        await page.reload();
        await page.getByTestId('status').filter({ hasText: 'Using saved token.' }).waitFor();
        await page.getByText('No projects yet. Onboard one below.').waitFor();
        expect(JSON.stringify(await storage('localStorage'))).not.toContain(TOKEN);
      } catch (error) {
        await screenshot(page, 'auth-failure', true).catch(() => undefined);
        throw new Error(
          `${error instanceof Error ? error.message : String(error)}\n--- api log ---\n${apiLogTail(api)}`,
        );
      }
    },
    LONG,
  );
});
