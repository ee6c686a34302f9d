import type { Page } from 'playwright-core';
import {
  ARTIFACTS,
  ASKING_TEMPLATE,
  LONG,
  SLOW_TEMPLATE,
  TEMPLATE,
  openBrowser,
  scenario as runScenario,
  screenshot,
  startApiWithOrigin,
  type ApiWithOrigin,
  type BrowserSession,
} from './e2e.test-helpers.js';

// The web console as a person uses it: headless Chromium on the console the built api serves,
// a real project (a local bare origin), real protocol runs on the shell engine, live updates.

const XSS_NAME = '<img src=x onerror=alert(1)>';

async function createProject(page: Page, name: string, gitUrl: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Onboard project' });
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('Git URL / path').fill(gitUrl);
  await form.getByRole('button', { name: 'Create & run setup' }).click();
  await page.getByTestId('status').filter({ hasText: 'Project created and setup enqueued.' }).waitFor();
}

async function startProtocol(page: Page, name: string, template: string): Promise<void> {
  const form = page.getByRole('form', { name: 'New protocol' });
  await form.getByLabel('Protocol name').fill(name);
  await form.getByLabel(/Template folder/).fill(template);
  const autoAdvance = form.getByLabel(/Auto-advance/);
  if (!(await autoAdvance.isChecked())) await autoAdvance.check();
  await form.getByRole('button', { name: 'Create & start' }).click();
  await page.getByTestId('status').filter({ hasText: 'Protocol created; planning enqueued.' }).waitFor();
  await page.getByTestId('run-name').filter({ hasText: name }).waitFor();
}

const runStatus = (page: Page, status: string) =>
  page.getByTestId('run-status').filter({ hasText: new RegExp(`^${status}$`) });
const runRow = (page: Page, name: string) =>
  page.getByRole('table', { name: 'Protocol runs' }).getByRole('row').filter({ hasText: name });
const actions = (page: Page) => page.getByRole('toolbar', { name: 'Run actions' });

describe('web console (headless Chromium, built api)', () => {
  let stack: ApiWithOrigin;
  let browser: BrowserSession;

  beforeAll(async () => {
    stack = await startApiWithOrigin('tgz-console-repo-');
    browser = await openBrowser();
  }, LONG);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const scenario = (name: string, body: (page: Page) => Promise<void>) => runScenario(browser, stack.api, name, body);

  it(
    'onboards a project and runs a template protocol with auto-advance to completed, live',
    () =>
      scenario('completed-run', async (page) => {
        await page.goto(`${stack.api.base}/console`);
        await page.getByRole('heading', { name: 'TasksGodzilla Console' }).waitFor();
        await page.getByTestId('live-state').filter({ hasText: 'live' }).waitFor();

        await createProject(page, 'greeting-service', stack.origin);
        const card = page.getByRole('list', { name: 'Project list' }).getByRole('button', { name: /greeting-service/ });
        await card.waitFor();
        expect(await card.getAttribute('aria-pressed')).toBe('true');
        // Onboarding finishes by itself; the panel follows it over the event stream (no reload, no click).
        await page
          .getByTestId('onboarding-status')
          .filter({ hasText: /^completed$/ })
          .waitFor({ timeout: LONG });
        // The timeline (folded once onboarding completed) lists the newest events first.
        await page.getByText('Timeline (newest first)').click();
        const timeline = page.getByRole('table', { name: 'Onboarding timeline' }).locator('tbody tr');
        await timeline.first().waitFor();
        expect(await timeline.count()).toBeGreaterThan(1);
        expect(await timeline.first().textContent()).toContain('setup_completed');
        await page.getByText('Timeline (newest first)').click();

        await startProtocol(page, '0001-greeting', TEMPLATE);
        // The status pill changes by itself as the run plans, runs each step and completes.
        await runStatus(page, 'completed').waitFor({ timeout: LONG });
        const stepStates = await page.getByTestId(/^step-status-/).allTextContents();
        expect(stepStates).toEqual(['completed', 'completed', 'completed']);
        await runRow(page, '0001-greeting').filter({ hasText: 'completed' }).waitFor();
        // Buttons follow the status: nothing to pause or cancel on a completed run.
        expect(await actions(page).getByRole('button', { name: 'Pause' }).isDisabled()).toBe(true);
        expect(await actions(page).getByRole('button', { name: 'Cancel' }).isDisabled()).toBe(true);
        expect(await actions(page).getByRole('button', { name: 'Start planning' }).isDisabled()).toBe(true);

        // Events, newest first, include the completion; the summary counts them.
        const events = page.getByRole('list', { name: 'Run events' }).locator('li.event');
        await events.filter({ hasText: 'protocol_completed' }).first().waitFor();
        expect(await events.first().getAttribute('data-event-type')).toBe('protocol_completed');
        await page
          .getByTestId('event-summary')
          .filter({ hasText: /total · loop:0 · trigger:0/ })
          .waitFor();

        // Cost per run is shown (the shell engine reports none).
        await page.getByTestId('run-cost').filter({ hasText: '$0.00' }).waitFor();

        // The step's log and the diff of its commit.
        await page.getByTestId('step-row-1').click();
        const log = page.getByTestId('step-log');
        await log.waitFor();
        expect((await log.textContent())?.trim().length).toBeGreaterThan(0);
        await page.getByRole('tab', { name: 'Diff' }).click();
        await page.getByTestId('step-diff').filter({ hasText: 'bin/greet' }).waitFor();
        await page.getByRole('tab', { name: 'Log' }).click();
        await log.waitFor();

        // The queue catches up with the jobs' ends (written after their last event).
        await page
          .getByRole('list', { name: 'Queue jobs' })
          .getByRole('button', { name: 'Cancel job' })
          .first()
          .waitFor({ state: 'detached', timeout: LONG });
        await page.setViewportSize({ width: 1440, height: 1900 });
        await page.evaluate(() => window.scrollTo(0, 0));
        await screenshot(page, 'console-completed');
        await page
          .getByRole('region', { name: 'Run detail' })
          .screenshot({ path: `${ARTIFACTS}/console-run-detail.png` });
        await page.setViewportSize({ width: 1440, height: 1000 });
        expect(browser.pageErrors).toEqual([]);
      }),
    LONG,
  );

  it(
    'pauses, resumes and cancels a protocol while its slow step runs; buttons follow the status',
    () =>
      scenario('pause-cancel', async (page) => {
        await startProtocol(page, '0002-slow', SLOW_TEMPLATE);
        await page
          .getByTestId('step-status-0')
          .filter({ hasText: /^running$/ })
          .waitFor({ timeout: LONG });
        await runStatus(page, 'running').waitFor({ timeout: LONG });

        await actions(page).getByRole('button', { name: 'Pause' }).click();
        await page.getByTestId('status').filter({ hasText: 'Protocol paused.' }).waitFor();
        await runStatus(page, 'paused').waitFor();
        await runRow(page, '0002-slow').filter({ hasText: 'paused' }).waitFor();
        expect(await actions(page).getByRole('button', { name: 'Resume' }).isEnabled()).toBe(true);
        expect(await actions(page).getByRole('button', { name: 'Pause' }).isDisabled()).toBe(true);
        expect(await actions(page).getByRole('button', { name: 'Run next step' }).isDisabled()).toBe(true);

        await actions(page).getByRole('button', { name: 'Resume' }).click();
        await page.getByTestId('status').filter({ hasText: 'Protocol resumed.' }).waitFor();
        await runStatus(page, 'running').waitFor();

        await actions(page).getByRole('button', { name: 'Cancel' }).click();
        await page.getByTestId('status').filter({ hasText: 'Protocol cancelled.' }).waitFor();
        await runStatus(page, 'cancelled').waitFor();
        // The running step is cancelled with its run (its shell process is killed), live.
        await page
          .getByTestId('step-status-0')
          .filter({ hasText: /^cancelled$/ })
          .waitFor({ timeout: LONG });
        await runRow(page, '0002-slow').filter({ hasText: 'cancelled' }).waitFor();
        for (const name of ['Pause', 'Resume', 'Cancel', 'Run next step', 'Retry failed step']) {
          expect(await actions(page).getByRole('button', { name }).isDisabled()).toBe(true);
        }
        await screenshot(page, 'console-cancelled');
      }),
    LONG,
  );

  it(
    "shows a step's question and answers it: the step runs again and the run completes",
    () =>
      scenario('question', async (page) => {
        await page.goto(`${stack.api.base}/console`);
        await page.getByTestId('live-state').filter({ hasText: 'live' }).waitFor();
        await createProject(page, 'asking-service', stack.origin);
        await page
          .getByTestId('onboarding-status')
          .filter({ hasText: /^completed$/ })
          .waitFor({ timeout: LONG / 3 });
        await startProtocol(page, '0001-asking', ASKING_TEMPLATE);

        // The step asks: its status and the question appear by themselves (live), the run keeps running.
        await page
          .getByTestId(/^step-status-/)
          .filter({ hasText: /^needs_input$/ })
          .waitFor({ timeout: LONG / 3 });
        const form = page.getByRole('form', { name: 'Question from 01-ask.md' });
        await form
          .getByTestId(/^step-question-/)
          .filter({ hasText: 'Which greeting should greeting.txt hold?' })
          .waitFor();
        await runStatus(page, 'running').waitFor();
        const send = form.getByRole('button', { name: 'Send answer' });
        expect(await send.isDisabled()).toBe(true);
        await form.getByLabel('Answer').fill('hello');
        await send.click();
        await page.getByTestId('status').filter({ hasText: 'Answer sent; 01-ask.md runs again.' }).waitFor();

        await runStatus(page, 'completed').waitFor({ timeout: LONG / 3 });
        expect(await page.getByTestId(/^step-status-/).allTextContents()).toEqual(['completed']);
        expect(await page.getByRole('region', { name: 'Questions for you' }).count()).toBe(0);
        const events = page.getByRole('list', { name: 'Run events' }).locator('li.event');
        await events.filter({ hasText: 'step_input_answered' }).first().waitFor();
        expect(browser.pageErrors).toEqual([]);
      }),
    LONG,
  );

  it(
    'shows a project named like HTML as plain text: no element is created, no script runs',
    () =>
      scenario('xss', async (page) => {
        await createProject(page, XSS_NAME, stack.origin);
        const list = page.getByRole('list', { name: 'Project list' });
        await list.getByText(XSS_NAME, { exact: true }).waitFor();
        expect(await page.locator('img').count()).toBe(0);
        // Activity and onboarding show server text too; give the events a moment to arrive, then look again.
        await page
          .getByRole('list', { name: 'Recent activity' })
          .locator('li.event')
          .first()
          .waitFor({ timeout: LONG });
        expect(await page.locator('img').count()).toBe(0);
        expect(browser.dialogs).toEqual([]);
        expect(browser.pageErrors).toEqual([]);
        await screenshot(page, 'console-xss');
      }),
    LONG,
  );
});
