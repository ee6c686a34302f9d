import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { expectToContainAll } from '../cli.test-helpers.js';
import { createFakeClient, run, step, until } from './fake-client.test-helpers.js';
import { TuiApp } from './tui-app.js';
import { createTuiStore, type TuiStore } from './tui-store.js';

const settings = { apiBase: 'http://fake', token: undefined, projectToken: undefined };

describe('TUI screens and keys (ink-testing-library)', () => {
  let store: TuiStore;
  let app: ReturnType<typeof render>;
  let fake: ReturnType<typeof createFakeClient>;

  // Colours are on when the runner forces them (FORCE_COLOR): compare the text only.
  const frame = () => stripVTControlCharacters(app.lastFrame() ?? '');
  // Keys never wait for time: the TUI routes each key to the main screen or the dialog that owns the
  // keyboard at once (a dialog not drawn yet gets its keys when it is), so only rendered state is awaited.
  const press = async (keys: string, expect: string) => {
    app.stdin.write(keys);
    await until(() => frame().includes(expect), `"${expect}" after ${JSON.stringify(keys)}:\n${frame()}`);
  };
  const type = (keys: string[]) => {
    for (const key of keys) app.stdin.write(key);
  };

  beforeEach(async () => {
    fake = createFakeClient({
      runs: [
        run({ id: 10, updated_at: '2026-11-27T17:00:09.000Z' }),
        run({ id: 11, protocol_name: '0002-other', status: 'completed' }),
      ],
    });
    store = createTuiStore({ settings, createClient: () => fake.client });
    app = render(<TuiApp store={store} />);
    await until(() => frame().includes('Refreshed.') && frame().includes('● live'), 'the first refresh');
  });

  afterEach(() => {
    app.unmount();
    store.stop();
  });

  it('shows the dashboard: tabs, context, projects, protocols, steps and events', () => {
    expectToContainAll(frame(), [
      '1 Dashboard',
      '7 Settings',
      'Page: dashboard • Project: demo (1) • Protocol: 0001-demo (10) [running]',
      '› 1 demo • main',
      '0: 00-setup.md [completed]',
      'step_completed: Step executed.',
    ]);
  });

  it('switches pages with the number keys', async () => {
    await press('2', 'Project detail');
    expect(frame()).toContain('Page: projects');
    await press('3', 'Spec & validation');
    await press('4', 'Policy');
    await press('5', 'Selected event');
    await press('6', 'Queue stats');
    await press('7', 'API: http://fake');
    await press('1', 'Page: dashboard');
  });

  it('moves the focus and the highlight, and selects with enter', async () => {
    type(['\t', 'j', '\r']);
    await until(() => frame().includes('Protocol: 0002-other (11)'), `the second protocol selected:\n${frame()}`);
  });

  it('creates and starts a protocol from the form', async () => {
    await press('R', 'New protocol in demo');
    type(['0003-new', '\r', '\r', '\r']);
    await until(() => frame().includes('▸ Template folder'), 'the template field');
    type(['/srv/templates/demo', '\r', '\r', '\r']);
    await until(() => frame().includes('queued for planning.'), `the status:\n${frame()}`);
    expect(fake.calls).toContain('createProtocol 1 0003-new template=/srv/templates/demo auto=true');
    expect(frame()).toContain('0003-new');
  });

  it('refuses an empty required field in a form, and esc closes it', async () => {
    await press('g', 'New project');
    type(['\r', '\r', '\r', '\r', '\r']);
    await until(() => frame().includes('Name is required.'), 'the validation message');
    type(['\u001b']);
    await until(() => !frame().includes('New project (clones'), 'the form closed');
    expect(fake.calls.some((c) => c.startsWith('createProject'))).toBe(false);
  });

  it("answers a waiting step's question with w: the dialog shows the question, the step runs again", async () => {
    app.unmount();
    store.stop();
    fake = createFakeClient({
      steps: [
        step(),
        step({
          id: 101,
          step_index: 1,
          step_name: '01-build.md',
          status: 'needs_input',
          runtime_state: { needs_input: { question: 'Which port should the server use?' } },
          updated_at: '2026-11-27T17:00:05.000Z',
        }),
      ],
    });
    store = createTuiStore({ settings, createClient: () => fake.client });
    app = render(<TuiApp store={store} />);
    await until(() => frame().includes('01-build.md [needs_input]'), `the waiting step:\n${frame()}`);
    await press('4', 'Page: steps');
    type(['j', '\r']);
    await until(() => frame().includes('Question (w to answer): Which port should the server use?'), frame());
    await press('w', 'Answer 01-build.md: Which port should the server use?');
    type(['\r']);
    await until(() => frame().includes('Answer is required.'), `the validation message:\n${frame()}`);
    type(['8080', '\r']);
    await until(() => frame().includes('Answered 01-build.md; it runs again.'), `the status:\n${frame()}`);
    expect(fake.calls).toContain('answerStep 101 8080');
  });

  it('pauses with p and cancels with x after confirming', async () => {
    await press('p', 'Protocol paused.');
    await until(() => frame().includes('[paused]'), 'the paused run');
    await press('x', 'Cancel 0001-demo?');
    await press('y', 'Protocol cancelled.');
    await until(() => frame().includes('[cancelled]'), 'the cancelled run');
    expect(fake.calls).toEqual(expect.arrayContaining(['pauseProtocol 10', 'cancelProtocol 10']));
  });

  it('runs actions from keys and the actions menu, and shows the help', async () => {
    await press('n', 'Next step enqueued.');
    await press('y', 'QA enqueued for 01-build.md.');
    await press('m', 'Actions · Dashboard');
    await press('t', 'Retry enqueued.');
    await press('?', 'cycle the step filter');
    type(['\u001b']);
    await until(() => !frame().includes('cycle the step filter'), 'the help closed');
    await press('f', 'Step filter: pending');
    expect(frame()).toContain('Steps · Filter: pending');
  });
});
