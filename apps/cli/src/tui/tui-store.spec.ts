import { createFakeClient, event, run, step, until } from './fake-client.test-helpers.js';
import { createTuiStore, type TuiStore } from './tui-store.js';
import { STEP_FILTERS, type TuiState } from './tui-store.types.js';

const settings = { apiBase: 'http://fake', token: undefined, projectToken: undefined };

/** The status line once `action` has finished. */
async function statusAfter(store: TuiStore, action: () => Promise<unknown>): Promise<TuiState['status']> {
  await action();
  return store.getState().status;
}

describe('TUI store', () => {
  let store: TuiStore | undefined;
  afterEach(() => store?.stop());

  const open = async (fake = createFakeClient()) => {
    store = createTuiStore({ settings, createClient: () => fake.client });
    await store.refreshAll();
    return { fake, store };
  };

  it('refreshes everything and selects the first project and its newest protocol', async () => {
    const { store } = await open(
      createFakeClient({
        runs: [run({ id: 10 }), run({ id: 11, protocol_name: 'newer', updated_at: '2026-11-27T18:00:00.000Z' })],
      }),
    );
    const state = store.getState();
    expect([state.projectId, state.protocolId]).toEqual([1, 11]);
    expect(state.onboarding?.status).toBe('completed');
    expect(state.queueStats?.backend).toBe('embedded');
    expect(state.status).toEqual({ text: 'Refreshed.', tone: 'info' });
  });

  it('keeps a load error on screen instead of "Refreshed."', async () => {
    const fake = createFakeClient();
    (fake.client as unknown as { queueStats: () => Promise<never> }).queueStats = async () => {
      throw new Error('503 Service Unavailable: queue down');
    };
    const { store } = await open(fake);
    expect(store.getState().status).toEqual({
      text: 'Error loading queue: 503 Service Unavailable: queue down',
      tone: 'error',
    });
  });

  it('runs the actions of the original with its status messages', async () => {
    const { fake, store } = await open();
    expect(await statusAfter(store, () => store.runNext())).toEqual({ text: 'Next step enqueued.', tone: 'ok' });
    expect((await statusAfter(store, () => store.retryLatest())).text).toBe('Retry enqueued.');
    // No step selected: QA and approve target the most recently updated step.
    expect((await statusAfter(store, () => store.runQa())).text).toBe('QA enqueued for 01-build.md.');
    store.selectStep(100);
    expect((await statusAfter(store, () => store.approve())).text).toBe('Approved 00-setup.md.');
    expect((await statusAfter(store, () => store.runStep())).text).toBe('Step enqueued.');
    expect((await statusAfter(store, () => store.openPr())).text).toBe('Open PR job enqueued.');
    expect((await statusAfter(store, () => store.pause())).text).toBe('Protocol paused.');
    expect(store.selectedProtocol()?.status).toBe('paused');
    expect((await statusAfter(store, () => store.cancel())).text).toBe('Protocol cancelled.');
    expect(fake.calls).toEqual(
      expect.arrayContaining([
        'runNextStep 10',
        'retryLatest 10',
        'runStepQa 101',
        'approveStep 100',
        'runStep 100',
        'openPr 10',
        'pauseProtocol 10',
        'cancelProtocol 10',
      ]),
    );
  });

  it('asks for a selection before acting on nothing', async () => {
    const { store } = await open(createFakeClient({ runs: [], steps: [] }));
    expect(await statusAfter(store, () => store.runNext())).toEqual({ text: 'Select a protocol.', tone: 'error' });
    expect((await statusAfter(store, () => store.runQa())).text).toBe('No steps to QA.');
    expect((await statusAfter(store, () => store.runStep())).text).toBe('Select a step.');
  });

  it('creates a protocol pending, then starts it, and selects it', async () => {
    const { fake, store } = await open();
    const ok = await store.createProtocol({
      name: '0002-next',
      baseBranch: '',
      description: '',
      template: '/srv/t',
      autoAdvance: true,
      start: true,
    });
    expect(ok).toBe(true);
    const created = store.selectedProtocol();
    expect(created?.protocol_name).toBe('0002-next');
    expect(fake.calls).toEqual(
      expect.arrayContaining(['createProtocol 1 0002-next template=/srv/t auto=true', `startProtocol ${created?.id}`]),
    );
    expect(store.getState().status.text).toBe(
      `Created protocol ${created?.id}. Protocol ${created?.id} queued for planning.`,
    );
  });

  it('creates a project and selects it', async () => {
    const { store } = await open();
    expect(
      await store.createProject({
        name: 'second',
        gitUrl: '/srv/second.git',
        baseBranch: 'main',
        localPath: '',
        ciProvider: '',
      }),
    ).toBe(true);
    expect(store.getState().projectId).toBe(2);
    expect(store.getState().status.text).toBe('Created project 2.');
  });

  it('cycles the step filter through every status, and filters the steps', async () => {
    const { store } = await open();
    const seen: string[] = [];
    for (let i = 0; i < STEP_FILTERS.length; i++) {
      store.cycleStepFilter();
      seen.push(store.getState().stepFilter);
    }
    // Every step status once (needs_input among them), then back to all.
    expect(seen).toEqual([...STEP_FILTERS.slice(1), 'all']);
    expect(seen).toContain('needs_input');
    store.cycleStepFilter();
    store.cycleStepFilter();
    store.cycleStepFilter();
    expect(store.visibleSteps().map((s) => s.step_name)).toEqual(['01-build.md']);
  });

  it('follows the event stream: a new event of the selected protocol is listed and the steps reload', async () => {
    const fake = createFakeClient();
    store = createTuiStore({ settings, createClient: () => fake.client });
    await store.start();
    await until(() => store?.getState().live === 'live', 'the stream');
    fake.state.steps = fake.state.steps.map((s) => (s.id === 101 ? { ...s, status: 'completed' } : s));
    fake.push(event({ id: 2, event_type: 'qa_passed', message: 'QA passed.', step_run_id: 101 }));
    await until(() => store?.getState().protocolEvents[0]?.id === 2, 'the live event');
    await until(() => store?.getState().steps.find((s) => s.id === 101)?.status === 'completed', 'the reloaded steps');
    expect(store.getState().recentEvents[0]?.id).toBe(2);
  });

  it('ignores an answer for a protocol that is no longer selected', async () => {
    const fake = createFakeClient({
      runs: [run({ id: 10 }), run({ id: 11, protocol_name: 'other' })],
      steps: [step({ protocol_run_id: 10 }), step({ id: 200, protocol_run_id: 11, step_name: 'other.md' })],
    });
    const { store } = await open(fake);
    const slow = store.selectProtocol(10);
    await store.selectProtocol(11);
    await slow;
    expect(store.getState().protocolId).toBe(11);
    expect(store.getState().steps.map((s) => s.step_name)).toEqual(['other.md']);
  });

  it('answers the question of the step waiting for input, and says so when none waits', async () => {
    const { store: plain } = await open();
    expect(await statusAfter(plain, () => plain.answerStep('yes'))).toEqual({
      text: 'No step is waiting for an answer.',
      tone: 'error',
    });
    plain.stop();
    const waiting = step({
      id: 101,
      step_index: 1,
      step_name: '01-build.md',
      status: 'needs_input',
      runtime_state: { needs_input: { question: 'Tabs or spaces?' } },
    });
    const { fake, store: asking } = await open(createFakeClient({ steps: [step(), waiting] }));
    expect(asking.questionStep()).toMatchObject({ step: { id: 101 }, question: 'Tabs or spaces?' });
    expect(await asking.answerStep('  ')).toBe(false);
    expect(await statusAfter(asking, () => asking.answerStep(' spaces '))).toEqual({
      text: 'Answered 01-build.md; it runs again.',
      tone: 'ok',
    });
    expect(fake.calls).toContain('answerStep 101 spaces');
    expect(asking.questionStep()).toBeNull();
  });
});
