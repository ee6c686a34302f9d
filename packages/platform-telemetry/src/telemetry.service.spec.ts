import type { Event, JsonObject } from '@tasksgodzilla/core';
import { createManualClock } from '@tasksgodzilla/core';
import type { EventRepository, NewEvent, StorageTx } from '@tasksgodzilla/platform-storage';
import { captureStream } from './log-capture.test-helpers.js';
import { withLogContext } from './log-context.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createTelemetryService } from './telemetry.service.js';
import type { EventTx } from './telemetry.types.js';
import { expectSeries } from './metrics.test-helpers.js';

const clock = createManualClock('2026-11-27T17:00:00.000Z');

/** A listener that records the events it hears. */
function recorder() {
  const calls: Event[] = [];
  const listener = (event: Event) => {
    calls.push(event);
  };
  return Object.assign(listener, { calls });
}

/** In-memory events table with the repository's append semantics (ids copied into metadata when absent). */
function fakeEventStore() {
  const rows: Event[] = [];
  let nextId = 1;
  const toEvent = (input: NewEvent): Event => {
    const metadata: JsonObject = { ...(input.metadata ?? {}) };
    if (input.request_id && !('request_id' in metadata)) metadata['request_id'] = input.request_id;
    if (input.job_id && !('job_id' in metadata)) metadata['job_id'] = input.job_id;
    return {
      id: nextId++,
      project_id: input.project_id,
      protocol_run_id: input.protocol_run_id ?? null,
      step_run_id: input.step_run_id ?? null,
      event_type: input.event_type,
      message: input.message,
      metadata: Object.keys(metadata).length ? metadata : null,
      created_at: clock.now().toISOString(),
    };
  };
  const appended: NewEvent[] = [];
  const events: Pick<EventRepository, 'append'> = {
    append: async (input) => {
      appended.push(input);
      const event = toEvent(input);
      rows.push(event);
      return event;
    },
  };
  /** A transaction: writes become rows on commit, after-commit hooks then run; rollback drops both. */
  const transaction = () => {
    const staged: Event[] = [];
    const hooks: (() => void | Promise<void>)[] = [];
    const tx: EventTx = {
      events: {
        append: async (input) => {
          appended.push(input);
          const event = toEvent(input);
          staged.push(event);
          return event;
        },
      },
      afterCommit: (fn) => {
        hooks.push(fn);
      },
    };
    return {
      tx,
      commit: async () => {
        rows.push(...staged);
        for (const hook of hooks) await hook();
      },
      rollback: () => {
        staged.length = 0;
        hooks.length = 0;
      },
    };
  };
  return { rows, appended, events, transaction };
}

function setup() {
  const store = fakeEventStore();
  const capture = captureStream();
  const logger = createLogger({ destination: capture.stream, clock });
  const metrics = createMetrics();
  const telemetry = createTelemetryService({ events: store.events, logger, metrics, clock });
  return { store, capture, logger, metrics, telemetry };
}

const stepStarted: NewEvent = {
  project_id: 1,
  protocol_run_id: 2,
  step_run_id: 3,
  event_type: 'step_started',
  message: 'Executing step 01-build.md',
  metadata: { engine_id: 'shell', model: 'none' },
};

describe('TelemetryService.recordEvent', () => {
  it('appends the event and writes one info line with its ids, type and metadata', async () => {
    const { store, capture, telemetry } = setup();
    const event = await telemetry.recordEvent({ ...stepStarted, request_id: 'req-1', job_id: 'job-1' });
    expect(store.rows).toEqual([event]);
    expect(event.metadata).toEqual({ engine_id: 'shell', model: 'none', request_id: 'req-1', job_id: 'job-1' });
    const lines = capture.records();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'Executing step 01-build.md',
      event_id: event.id,
      event_type: 'step_started',
      project_id: 1,
      protocol_run_id: 2,
      step_run_id: 3,
      request_id: 'req-1',
      job_id: 'job-1',
      metadata: event.metadata,
    });
  });

  it('takes request_id and job_id from the log context when not given', async () => {
    const { store, capture, telemetry } = setup();
    await withLogContext({ request_id: 'req-ctx', job_id: 'job-ctx', protocol_run_id: 99 }, () =>
      telemetry.recordEvent({ project_id: 1, event_type: 'setup_enqueued', message: 'Project setup enqueued' }),
    );
    expect(store.appended[0]).toMatchObject({ request_id: 'req-ctx', job_id: 'job-ctx' });
    // The event's own (null) run id wins over the context's on its log line.
    expect(capture.records()[0]).toMatchObject({
      request_id: 'req-ctx',
      job_id: 'job-ctx',
      protocol_run_id: null,
      project_id: 1,
    });
  });

  it('keeps given ids, and an explicit null opts out of the context', async () => {
    const { store, telemetry } = setup();
    await withLogContext({ request_id: 'req-ctx', job_id: 'job-ctx' }, () =>
      telemetry.recordEvent({ ...stepStarted, request_id: 'mine', job_id: null }),
    );
    expect(store.appended[0]).toMatchObject({ request_id: 'mine', job_id: null });
  });

  it('redacts secrets in event metadata on the log line but stores them as given', async () => {
    const { store, capture, telemetry } = setup();
    await telemetry.recordEvent({ ...stepStarted, metadata: { token: 'abc' } });
    expect(store.rows[0]!.metadata).toEqual({ token: 'abc' });
    expect(capture.text()).not.toContain('abc');
  });

  it('notifies subscribers once, after the write, and counts the event', async () => {
    const { telemetry, metrics } = setup();
    const seen: Event[] = [];
    telemetry.subscribe((event) => {
      seen.push(event);
    });
    const event = await telemetry.recordEvent(stepStarted);
    expect(seen).toEqual([event]);
    expect(await metrics.text()).toContain('events_total{event_type="step_started"} 1');
  });

  it('writes through the transaction and notifies only after it commits', async () => {
    const { store, telemetry, metrics, capture } = setup();
    const seen: Event[] = [];
    telemetry.subscribe((event) => {
      seen.push(event);
    });
    const { tx, commit } = store.transaction();
    const event = await telemetry.recordEvent(stepStarted, { tx });
    expect(store.appended).toHaveLength(1);
    expect(store.rows).toEqual([]);
    // Logged only once committed (issue 10: a failed transaction logged "enqueued" lines).
    expect(capture.records()).toHaveLength(0);
    expect(seen).toEqual([]);
    expect(await metrics.text()).not.toContain('events_total{');
    await commit();
    expect(store.rows).toEqual([event]);
    expect(capture.records()).toHaveLength(1);
    expect(seen).toEqual([event]);
    expect(await metrics.text()).toContain('events_total{event_type="step_started"} 1');
  });

  it('takes a platform-storage transaction as it is', () => {
    const asEventTx = (tx: StorageTx): EventTx => tx;
    expect(typeof asEventTx).toBe('function');
  });

  it('never notifies nor logs for a transaction that rolls back', async () => {
    const { store, telemetry, capture } = setup();
    const listener = recorder();
    telemetry.subscribe(listener);
    const { tx, rollback, commit } = store.transaction();
    await telemetry.recordEvent(stepStarted, { tx });
    rollback();
    await commit();
    expect(store.rows).toEqual([]);
    expect(listener.calls).toEqual([]);
    expect(capture.records()).toEqual([]);
  });

  it('notifies at once for a transaction without afterCommit', async () => {
    const { telemetry } = setup();
    const listener = recorder();
    telemetry.subscribe(listener);
    const appended: NewEvent[] = [];
    const tx: EventTx = {
      events: {
        append: async (input) => (
          appended.push(input),
          { ...stepStarted, id: 5, protocol_run_id: 2, step_run_id: 3, metadata: null, created_at: '' }
        ),
      },
    };
    await telemetry.recordEvent(stepStarted, { tx });
    expect(appended).toHaveLength(1);
    expect(listener.calls).toHaveLength(1);
  });

  it('propagates a failed append without logging or notifying', async () => {
    const capture = captureStream();
    const listener = recorder();
    const telemetry = createTelemetryService({
      events: { append: async () => Promise.reject(new Error('disk full')) },
      logger: createLogger({ destination: capture.stream }),
      metrics: createMetrics(),
    });
    telemetry.subscribe(listener);
    await expect(telemetry.recordEvent(stepStarted)).rejects.toThrow('disk full');
    expect(capture.lines()).toEqual([]);
    expect(listener.calls).toEqual([]);
  });

  it('stops notifying after unsubscribe', async () => {
    const { telemetry } = setup();
    const listener = recorder();
    const unsubscribe = telemetry.subscribe(listener);
    await telemetry.recordEvent(stepStarted);
    unsubscribe();
    await telemetry.recordEvent(stepStarted);
    expect(listener.calls).toHaveLength(1);
  });

  it('isolates a failing subscriber: the others still hear, the failure is logged as a warning', async () => {
    const { telemetry, capture } = setup();
    const after = recorder();
    telemetry.subscribe(() => {
      throw new Error('listener broke');
    });
    telemetry.subscribe(async () => Promise.reject(new Error('async listener broke')));
    telemetry.subscribe(after);
    await expect(telemetry.recordEvent(stepStarted)).resolves.toMatchObject({ event_type: 'step_started' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(after.calls).toHaveLength(1);
    const warnings = capture.records().filter((line) => line['level'] === 'warn');
    expect(warnings.map((line) => line['msg'])).toEqual([
      'event subscriber failed: listener broke',
      'event subscriber failed: async listener broke',
    ]);
  });
});

describe('TelemetryService metrics helpers', () => {
  it('counts real tokens and cost, estimates, QA verdicts and jobs', async () => {
    const { telemetry, metrics } = setup();
    telemetry.observeTokens({
      phase: 'exec',
      model: 'gpt-5',
      engine: 'codex',
      input: 1200,
      output: 300,
      cached: 800,
      costUsd: 0.25,
    });
    telemetry.observeTokens({ phase: 'exec', model: 'gpt-5', engine: 'codex', input: 100, costUsd: 0.25 });
    telemetry.observeEstimatedTokens('planning', 'gpt-5', telemetry.estimateTokens('x'.repeat(40)));
    telemetry.observeQaVerdict('FAIL');
    telemetry.observeJob('run_quality_job', 'completed', 2.5);
    const text = await metrics.text();
    expectSeries(text, [
      'tokens_used_total{phase="exec",model="gpt-5",engine="codex",kind="input"} 1300',
      'tokens_used_total{phase="exec",model="gpt-5",engine="codex",kind="output"} 300',
      'tokens_used_total{phase="exec",model="gpt-5",engine="codex",kind="cached"} 800',
      'engine_cost_usd_total{phase="exec",model="gpt-5",engine="codex"} 0.5',
      'codex_token_estimated_total{phase="planning",model="gpt-5"} 10',
      'qa_verdict_total{verdict="fail"} 1',
      'jobs_processed_total{job_type="run_quality_job",status="completed"} 1',
      'jobs_duration_seconds_sum{job_type="run_quality_job",status="completed"} 2.5',
    ]);
  });

  it('estimates ceil(characters / 4) with a minimum of 1, counting code points', () => {
    const { telemetry } = setup();
    expect(telemetry.estimateTokens('')).toBe(1);
    expect(telemetry.estimateTokens('abc')).toBe(1);
    expect(telemetry.estimateTokens('abcd')).toBe(1);
    expect(telemetry.estimateTokens('abcde')).toBe(2);
    expect(telemetry.estimateTokens('x'.repeat(4001))).toBe(1001);
    expect(telemetry.estimateTokens('😀😀😀😀😀')).toBe(2);
  });

  it('times on the injected clock', () => {
    const { telemetry } = setup();
    const stop = telemetry.startTimer();
    (clock as ReturnType<typeof createManualClock>).advance(1500);
    expect(stop()).toBe(1.5);
  });
});
