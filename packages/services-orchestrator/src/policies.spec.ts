import type { StepRun } from '@tasksgodzilla/core';
import {
  conditionAllows,
  decideLoop,
  decideTrigger,
  isProtocolComplete,
  latestRetryableStep,
  nextPendingStep,
  nextRunnableStep,
  readPolicies,
} from './policies.js';

function step(
  id: number,
  index: number,
  name: string,
  status: StepRun['status'],
  extra: Partial<StepRun> = {},
): StepRun {
  return {
    id,
    protocol_run_id: 1,
    step_index: index,
    step_name: name,
    step_type: 'work',
    status,
    retries: 0,
    model: null,
    engine_id: null,
    policy: null,
    runtime_state: null,
    summary: null,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

describe('policy helpers', () => {
  it('reads a list, a single object, and ignores anything else', () => {
    expect(readPolicies({ policy: [{ behavior: 'loop' }, 3, 'x'] })).toEqual([{ behavior: 'loop' }]);
    expect(readPolicies({ policy: { behavior: 'trigger' } })).toEqual([{ behavior: 'trigger' }]);
    expect(readPolicies({ policy: null })).toEqual([]);
  });

  it('matches conditions from strings, lists and objects', () => {
    expect(conditionAllows({}, 'qa_failed')).toBe(true);
    expect(conditionAllows({ condition: ' QA_FAILED ' }, 'qa_failed')).toBe(true);
    expect(conditionAllows({ conditions: ['exec_failed', { on: 'qa_passed' }] }, 'qa_passed')).toBe(true);
    expect(conditionAllows({ condition: 'exec_failed' }, 'qa_failed')).toBe(false);
  });
});

describe('decideLoop', () => {
  const loop = { behavior: 'loop', module_id: 'fix', max_iterations: 2, step_back: 1, condition: 'qa_failed' };

  it('steps back and resets the target through the source only', () => {
    const steps = [
      step(1, 0, '00-setup.md', 'completed'),
      step(2, 1, '01-a.md', 'completed'),
      step(3, 2, '02-b.md', 'failed', { policy: [loop] }),
      step(4, 3, '03-c.md', 'completed'),
    ];
    const outcome = decideLoop(steps[2]!, steps, 'qa_failed');
    expect(outcome.decision).toMatchObject({
      target_step_index: 1,
      target_step_run_id: 2,
      iterations: 1,
      max_iterations: 2,
    });
    expect(outcome.changes.map((c) => [c.step_run_id, c.from, c.to])).toEqual([
      [2, 'completed', 'pending'],
      [3, 'failed', 'pending'],
    ]);
    expect(outcome.changes[1]!.runtime_state).toMatchObject({
      loop_counts: { fix: 1 },
      last_action: 'loop_step_back',
      last_target_step_index: 1,
    });
    expect(outcome.changes[0]!.summary).toBe('Looped via fix (1/2)');
    expect(outcome.events.map((e) => e.event_type)).toEqual(['loop_decision']);
  });

  it('stops at max_iterations and reports it', () => {
    const source = step(3, 2, '02-b.md', 'failed', { policy: [loop], runtime_state: { loop_counts: { fix: 2 } } });
    const outcome = decideLoop(source, [source], 'qa_failed');
    expect(outcome.decision).toBeNull();
    expect(outcome.events.map((e) => e.event_type)).toEqual(['loop_limit_reached']);
  });

  it('skips on a condition mismatch and honours skip_steps', () => {
    const mismatch = decideLoop(step(3, 2, '02-b.md', 'failed', { policy: [loop] }), [], 'exec_failed');
    expect(mismatch.decision).toBeNull();
    expect(mismatch.events[0]!.event_type).toBe('loop_condition_skipped');

    const skipping = { behavior: 'loop', step_back: 1, skip_steps: [1] };
    const steps = [
      step(1, 0, '00-setup.md', 'completed'),
      step(2, 1, '01-a.md', 'completed'),
      step(3, 2, '02-b.md', 'failed', { policy: [skipping] }),
    ];
    const outcome = decideLoop(steps[2]!, steps, 'qa_failed');
    expect(outcome.decision?.target_step_index).toBe(0);
    expect(outcome.changes.map((c) => c.step_run_id)).toEqual([1, 3]);
  });
});

describe('decideTrigger', () => {
  const trigger = { behavior: 'trigger', module_id: 'review', trigger_agent_id: 'review' };

  it('sends the target back to pending with the chain depth', () => {
    const steps = [step(1, 0, '01-build.md', 'completed', { policy: [trigger] }), step(2, 1, '02-review.md', 'failed')];
    const outcome = decideTrigger(steps[0]!, steps, 'qa_passed');
    expect(outcome.decision).toMatchObject({ target_step_run_id: 2, depth: 1 });
    expect(outcome.changes).toEqual([
      {
        step_run_id: 2,
        from: 'failed',
        to: 'pending',
        summary: 'Triggered by 01-build.md',
        runtime_state: { last_triggered_by: '01-build.md', inline_trigger_depth: 1 },
      },
    ]);
  });

  it('refuses self-triggers, finished targets, unknown targets and deep chains', () => {
    const self = step(1, 0, '01-review.md', 'completed', { policy: [trigger] });
    expect(decideTrigger(self, [self], 'qa_passed').events[0]!.event_type).toBe('trigger_skipped');

    const done = [
      step(1, 0, '01-build.md', 'completed', { policy: [trigger] }),
      step(2, 1, '02-review.md', 'completed'),
    ];
    expect(decideTrigger(done[0]!, done, 'qa_passed').events[0]!.event_type).toBe('trigger_skipped');

    const missing = step(1, 0, '01-build.md', 'completed', {
      policy: [{ behavior: 'trigger', trigger_agent_id: 'nope' }],
    });
    expect(decideTrigger(missing, [missing], 'qa_passed').events[0]!.event_type).toBe('trigger_missing_target');

    const deep = [
      step(1, 0, '01-build.md', 'completed', { policy: [trigger], runtime_state: { inline_trigger_depth: 3 } }),
      step(2, 1, '02-review.md', 'pending'),
    ];
    const outcome = decideTrigger(deep[0]!, deep, 'qa_passed');
    expect(outcome.decision).toBeNull();
    expect(outcome.events[0]!.event_type).toBe('trigger_inline_depth_exceeded');
  });
});

describe('step selection and completion', () => {
  const steps = [
    step(1, 0, 'a', 'completed'),
    step(2, 1, 'b', 'failed'),
    step(3, 2, 'c', 'pending'),
    step(4, 3, 'd', 'blocked'),
  ];

  it('picks the next runnable, next pending and latest retryable steps', () => {
    expect(nextRunnableStep(steps)?.id).toBe(2);
    expect(latestRetryableStep(steps)?.id).toBe(4);
    expect(nextPendingStep(steps)?.id).toBe(3);
    expect(nextPendingStep([...steps, step(5, 4, 'e', 'running')])).toBeNull();
  });

  it('completes only an active run whose steps are all completed or cancelled', () => {
    const finished = [step(1, 0, 'a', 'completed'), step(2, 1, 'b', 'cancelled')];
    expect(isProtocolComplete({ status: 'running' }, finished)).toBe(true);
    expect(isProtocolComplete({ status: 'blocked' }, finished)).toBe(false);
    expect(isProtocolComplete({ status: 'running' }, [])).toBe(false);
    expect(isProtocolComplete({ status: 'running' }, steps)).toBe(false);
  });
});
