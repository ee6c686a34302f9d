import { event } from '@tasksgodzilla/testing/client-fixtures';
import {
  carriesUsage,
  eventContextLine,
  eventSpec,
  filterActivity,
  filterRunEvents,
  policySnippet,
  qaCounts,
} from './events.js';

describe('events', () => {
  it('reads the spec hash from metadata or metadata.outputs', () => {
    expect(eventSpec(event({ metadata: { spec_hash: 'abc', spec_status: 'invalid' } }))).toEqual({
      hash: 'abc',
      status: 'invalid',
    });
    expect(eventSpec(event({ metadata: { outputs: { spec_hash: 'def' }, specStatus: 'valid' } }))).toEqual({
      hash: 'def',
      status: 'valid',
    });
    expect(eventSpec(event({ metadata: null }))).toEqual({ hash: undefined, status: undefined });
  });

  it('applies the spec-hash filter under the loop and trigger filters too', () => {
    const events = [
      event({ id: 1, event_type: 'loop_decision', metadata: { spec_hash: 'aaa111' } }),
      event({ id: 2, event_type: 'loop_decision', metadata: { spec_hash: 'bbb222' } }),
      event({ id: 3, event_type: 'trigger_decision', metadata: { spec_hash: 'aaa111' } }),
      event({ id: 4, event_type: 'step_completed', metadata: { spec_hash: 'aaa111' } }),
    ];
    expect(filterRunEvents(events, 'loop', '').map((e) => e.id)).toEqual([1, 2]);
    expect(filterRunEvents(events, 'loop', 'AAA').map((e) => e.id)).toEqual([1]);
    expect(filterRunEvents(events, 'trigger', 'bbb').map((e) => e.id)).toEqual([]);
    expect(filterRunEvents(events, 'all', 'aaa').map((e) => e.id)).toEqual([1, 3, 4]);
  });

  it('"invalid specs only" keeps invalid specs, not every event that has a hash', () => {
    const events = [
      event({ id: 1, metadata: { spec_hash: 'x', spec_status: 'invalid' } }),
      event({ id: 2, metadata: { spec_hash: 'y' } }),
      event({ id: 3, metadata: { spec_hash: 'z', spec_status: 'valid' } }),
    ];
    expect(filterActivity(events, true, '').map((e) => e.id)).toEqual([1]);
    expect(filterActivity(events, false, 'y').map((e) => e.id)).toEqual([2]);
  });

  it('describes prompt versions and model, and loop and trigger decisions', () => {
    expect(
      eventContextLine(event({ metadata: { prompt_versions: { exec: 'e11d' }, usage: { model: 'gpt-5.1' } } })),
    ).toBe('exec:e11d · model:gpt-5.1');
    expect(eventContextLine(event({ metadata: null }))).toBe('');
    expect(
      policySnippet(
        event({
          event_type: 'loop_decision',
          metadata: {
            target_step_index: 0,
            iterations: 2,
            max_iterations: 3,
            steps_reset: [1, 2],
            reason: 'qa_failed',
            policy: { module_id: 'review' },
          },
        }),
      ),
    ).toBe('target:0 iter:2/3 reset:2 reason:qa_failed policy:review');
    expect(
      policySnippet(
        event({
          event_type: 'trigger_decision',
          metadata: { target_step_index: 3, target_step_id: 9, reason: 'exec_failed' },
        }),
      ),
    ).toBe('target:3 id:9 reason:exec_failed');
    expect(policySnippet(event({ event_type: 'step_completed', metadata: { reason: 'x' } }))).toBe('');
  });

  it('counts QA verdicts and knows which events carry usage', () => {
    const counts = qaCounts([
      event({ event_type: 'qa_passed' }),
      event({ event_type: 'qa_failed_inline' }),
      event({ event_type: 'qa_error' }),
      event({ event_type: 'qa_passed_inline' }),
      event({ event_type: 'planned' }),
    ]);
    expect(counts).toEqual({ pass: 2, fail: 1, error: 1, total: 4, passRate: 0.5 });
    expect(qaCounts([]).passRate).toBeNull();
    expect(carriesUsage(event({ metadata: { usage: { tokens: 3 } } }))).toBe(true);
    expect(carriesUsage(event({ metadata: { usage: null } }))).toBe(false);
  });
});
