import { createClient, type ProjectOut, type TasksGodzillaClient } from '@tasksgodzilla/client';
import { startWebhookReceiver, type WebhookReceiver } from '@tasksgodzilla/testing';
import type { Page } from 'playwright-core';
import {
  LONG,
  TEMPLATE,
  eventually,
  openBrowser,
  scenario as runScenario,
  screenshot,
  startApiWithOrigin,
  type ApiWithOrigin,
  type BrowserSession,
} from './e2e.test-helpers.js';

// Issue 14 §2 in the console: a project's outgoing webhooks and their delivery log, on the built api
// (its notification relay delivers to local receivers on 127.0.0.1). The project is made through the
// api; the webhooks are added, disabled and removed in the page; a template protocol is planned (the
// worker emits `planned`), which one receiver takes (200) and the other refuses (500, twice: failed).

const SECRET = 'console-e2e-webhook-secret';

describe('notifications panel (headless Chromium, built api)', () => {
  let stack: ApiWithOrigin;
  let browser: BrowserSession;
  let client: TasksGodzillaClient;
  let steady: WebhookReceiver;
  let refusing: WebhookReceiver;

  beforeAll(async () => {
    // Small backoff and poll, two attempts: the refusing receiver's delivery ends `failed` quickly.
    stack = await startApiWithOrigin('tgz-console-notify-repo-', {
      TASKSGODZILLA_NOTIFY_BACKOFF_MS: '20',
      TASKSGODZILLA_NOTIFY_POLL_MS: '100',
      TASKSGODZILLA_NOTIFY_MAX_ATTEMPTS: '2',
    });
    client = createClient({ baseUrl: stack.api.base });
    steady = await startWebhookReceiver();
    refusing = await startWebhookReceiver({ statuses: [500, 500] });
    browser = await openBrowser();
  }, LONG);

  afterAll(async () => {
    await browser?.close();
    await steady?.close();
    await refusing?.close();
    await stack?.stop();
  });

  const scenario = (name: string, body: (page: Page) => Promise<void>) => runScenario(browser, stack.api, name, body);

  const panel = (page: Page) => page.getByRole('region', { name: 'Notifications' });
  const webhookRow = (page: Page, url: string) =>
    panel(page).getByRole('table', { name: 'Webhooks' }).getByRole('row').filter({ hasText: url });
  const deliveryRow = (page: Page, eventType: string) =>
    panel(page).getByRole('table', { name: 'Webhook deliveries' }).getByRole('row').filter({ hasText: eventType });

  /** Waits for the delivery log to show a delivery of `eventType` in `status`; its row, attempts and HTTP status. */
  async function settledDelivery(page: Page, eventType: string, status: string) {
    const row = deliveryRow(page, eventType).filter({ hasText: status }).first();
    await row.waitFor({ timeout: LONG / 3 });
    const id = (await row.getAttribute('data-testid'))!.replace('delivery-row-', '');
    const cell = (name: string) => page.getByTestId(`delivery-${name}-${id}`).textContent();
    return { row, attempts: await cell('attempts'), http: await cell('http') };
  }

  async function addWebhook(
    page: Page,
    values: { url: string; events: string; secret?: string; format?: 'json' | 'slack' },
  ): Promise<void> {
    const form = panel(page).getByRole('form', { name: 'Add webhook' });
    await form.getByLabel('URL').fill(values.url);
    await form.getByLabel(/^Events/).fill(values.events);
    await form.getByLabel(/^Secret/).fill(values.secret ?? '');
    await form.getByLabel('Format').selectOption(values.format ?? 'json');
    await form.getByRole('button', { name: 'Add webhook' }).click();
  }

  it(
    'adds webhooks (422s named by field), shows the delivery log after an event, disables and removes',
    () =>
      scenario('notifications', async (page) => {
        // 1. A project, made through the api, onboarded.
        const project: ProjectOut = await client.createProject({ name: 'notify-console', git_url: stack.origin });
        await eventually(
          async () => ((await client.getOnboarding(project.id)).status === 'completed' ? true : undefined),
          LONG / 3,
          'onboarding to complete',
        );

        // 2. The console, with the project selected.
        await page.goto(`${stack.api.base}/console`);
        await page.getByTestId('live-state').filter({ hasText: 'live' }).waitFor();
        await page
          .getByRole('list', { name: 'Project list' })
          .getByRole('button', { name: /notify-console/ })
          .click();
        await panel(page).getByText('No webhooks yet.').waitFor();

        // 3. Bad input: the api's 422 is shown under each field it names, and nothing is created.
        await addWebhook(page, { url: 'ftp://example.com/hook', events: 'completed, nope' });
        await panel(page).getByTestId('webhook-error-url').filter({ hasText: 'url:' }).waitFor();
        await panel(page).getByTestId('webhook-error-event_filter').filter({ hasText: 'nope' }).waitFor();
        await page.getByTestId('status').filter({ hasText: '422' }).waitFor();
        expect((await client.listWebhooks(project.id)).items).toEqual([]);

        // 4. Two webhooks: one signed (secret "set"), one without a secret.
        await addWebhook(page, { url: steady.url, events: 'planned', secret: SECRET });
        await webhookRow(page, steady.url).filter({ hasText: 'planned' }).waitFor();
        expect(
          await panel(page)
            .getByTestId(/^webhook-error-/)
            .count(),
        ).toBe(0);
        await addWebhook(page, { url: refusing.url, events: 'planned', format: 'slack' });
        await webhookRow(page, refusing.url).filter({ hasText: 'slack' }).waitFor();
        const [refusingHook, steadyHook] = (await client.listWebhooks(project.id)).items;
        expect(steadyHook?.url).toBe(steady.url);
        expect(await page.getByTestId(`webhook-secret-${steadyHook!.id}`).textContent()).toBe('set');
        expect(await page.getByTestId(`webhook-secret-${refusingHook!.id}`).textContent()).toBe('not set');
        expect(await page.content()).not.toContain(SECRET);

        // 5. An event the filters select: a template protocol (no auto-advance) is planned by the worker.
        await webhookRow(page, steady.url).click();
        await panel(page).getByText('No deliveries yet.').waitFor();
        const run = await client.createProtocol(project.id, {
          protocol_name: '0001-notify',
          template: TEMPLATE,
          auto_advance: false,
        });
        await client.startProtocol(run.id);
        const delivered = await settledDelivery(page, 'planned', 'succeeded');
        expect([delivered.attempts, delivered.http]).toEqual(['1', '200']);
        expect(steady.received.map((request) => request.headers['x-tasksgodzilla-event'])).toContain('planned');

        // The refusing receiver: two attempts, both 500, the delivery failed with its last error.
        await webhookRow(page, refusing.url).click();
        const failed = await settledDelivery(page, 'planned', 'failed');
        expect([failed.attempts, failed.http]).toEqual(['2', '500']);
        const [delivery] = (await client.listWebhookDeliveries(project.id, refusingHook!.id)).items;
        expect(delivery?.last_error).toBeTruthy();
        await failed.row.getByText(delivery!.last_error!).waitFor();
        await screenshot(page, 'console-notifications');

        // 6. Disable and enable the steady webhook (the page and the api agree), remove the refusing one.
        for (const [button, state] of [
          ['Disable', 'disabled'],
          ['Enable', 'enabled'],
        ] as const) {
          await webhookRow(page, steady.url).getByRole('button', { name: button }).click();
          await page
            .getByTestId(`webhook-enabled-${steadyHook!.id}`)
            .filter({ hasText: new RegExp(`^${state}$`) })
            .waitFor();
          expect((await client.getWebhook(project.id, steadyHook!.id)).enabled).toBe(state === 'enabled');
        }
        await webhookRow(page, refusing.url).getByRole('button', { name: 'Remove' }).click();
        await webhookRow(page, refusing.url).waitFor({ state: 'detached' });
        expect((await client.listWebhooks(project.id)).items.map((webhook) => webhook.id)).toEqual([steadyHook!.id]);

        expect(browser.pageErrors).toEqual([]);
      }),
    LONG,
  );
});
