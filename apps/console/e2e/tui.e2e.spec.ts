import {
  CLI_MAIN,
  LONG,
  SLOW_TEMPLATE,
  TEMPLATE,
  apiLogTail,
  assertBuilt,
  startApiWithOrigin,
  type ApiWithOrigin,
} from './e2e.test-helpers.js';
import { TmuxTerminal } from './tmux.test-helpers.js';

// `tgz tui` as a person uses it: the BUILT tgz in a real terminal (tmux), against the BUILT api
// with a real project and real protocol runs, following them live. (It lives with the console's
// end-to-end suite because this target builds the api, the console and the cli, and both are the
// api's interactive front ends.)

describe('tgz tui in a terminal (tmux, built tgz, built api)', () => {
  let stack: ApiWithOrigin;
  let term: TmuxTerminal;

  beforeAll(async () => {
    assertBuilt([CLI_MAIN]);
    stack = await startApiWithOrigin('tgz-tui-repo-');
    term = TmuxTerminal.start([process.execPath, CLI_MAIN, 'tui', '--api-base', stack.api.base], stack.api.env);
  }, LONG);

  afterAll(async () => {
    term?.close();
    await stack?.stop();
  });

  /** Runs a scenario; on failure keeps the screen and adds the api log to the error. */
  async function scenario(name: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
      term.save(`tui-${name}`);
    } catch (error) {
      try {
        term.save(`tui-${name}-failure`);
      } catch {
        // the terminal is gone
      }
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}\n--- api log ---\n${apiLogTail(stack.api)}`,
      );
    }
  }

  /** Fills a form field by field: text then Enter (Enter on the last field submits). */
  async function fill(values: string[]): Promise<void> {
    for (const value of values) {
      if (value) term.type(value);
      term.keys('Enter');
    }
  }

  /** Opens the new-protocol form (R) and submits `name` with `template`, the other fields as proposed. */
  async function newProtocol(name: string, template: string): Promise<void> {
    term.keys('R');
    await term.waitFor('New protocol in tui-demo', LONG);
    await fill([name, '', '', template, '', '']);
  }

  it(
    'starts live, creates a project from the form and switches pages',
    () =>
      scenario('project', async () => {
        await term.waitFor('● live', LONG, 'the live indicator');
        await term.waitFor('Status: Refreshed.', LONG);
        term.keys('g');
        await term.waitFor('New project (clones and sets it up)', LONG);
        await fill(['tui-demo', stack.origin, '', '', '']);
        await term.waitFor('Created project 1.', LONG);
        await term.waitFor('› 1 tui-demo • main', LONG);

        term.keys('2');
        await term.waitFor('Page: projects', LONG);
        await term.waitFor(`tui-demo [main] • git=${stack.origin}`, LONG);
        // Onboarding finishes on the server; the page follows it over the event stream.
        await term.waitFor('Onboarding [completed]', LONG, 'onboarding completed (live)');
        term.keys('6');
        await term.waitFor('Queue jobs · Filter: all', LONG);
        await term.waitFor('project_setup_job', LONG);
        term.keys('7');
        await term.waitFor(`API: ${stack.api.base}`, LONG);
        term.keys('1');
        await term.waitFor('Page: dashboard', LONG);
      }),
    LONG,
  );

  it(
    'starts a template protocol with auto-advance and sees it complete, live',
    () =>
      scenario('completed', async () => {
        await newProtocol('0001-greeting', TEMPLATE);
        await term.waitFor(/Created protocol \d+\. Protocol \d+ queued for planning\./, LONG);
        await term.waitFor(/Protocol: 0001-greeting \(\d+\) \[completed\]/, LONG, 'the protocol completed (live)');
        const screen = await term.waitFor('2: 02-docs.md [completed]', LONG);
        expect(screen).toContain('0: 00-setup.md [completed]');
        expect(screen).toContain('1: 01-greet.md [completed]');
        expect(screen).toContain('protocol_completed: All steps completed');
      }),
    LONG,
  );

  it(
    'pauses and cancels a protocol with the keys while its slow step runs',
    () =>
      scenario('pause-cancel', async () => {
        await newProtocol('0002-slow', SLOW_TEMPLATE);
        await term.waitFor('0: 00-wait.md [running]', LONG, 'the slow step running');
        await term.waitFor(/Protocol: 0002-slow \(\d+\) \[running\]/, LONG);

        term.keys('p');
        await term.waitFor('Status: Protocol paused.', LONG);
        await term.waitFor(/Protocol: 0002-slow \(\d+\) \[paused\]/, LONG);

        term.keys('x');
        await term.waitFor('Cancel 0002-slow?', LONG);
        term.keys('y');
        await term.waitFor('Status: Protocol cancelled.', LONG);
        await term.waitFor(/Protocol: 0002-slow \(\d+\) \[cancelled\]/, LONG);
        await term.waitFor('0: 00-wait.md [cancelled]', LONG, 'the running step cancelled');
      }),
    LONG,
  );

  it(
    'quits with q and gives the terminal back',
    () =>
      scenario('quit', async () => {
        term.keys('q');
        await term.waitFor('[exited 0]', LONG);
      }),
    LONG,
  );
});
