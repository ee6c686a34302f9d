import { createUsageTracker, usageEvent } from './usage-tracker.js';
import { parseStructuredOutput } from './structured-output.js';

describe('usage tracker', () => {
  it('is null until usage is reported', () => {
    const tracker = createUsageTracker();
    expect(tracker.usage()).toBeNull();
    expect(tracker.costUsd()).toBeNull();
  });

  it('adds deltas and lets a cumulative report replace the running total', () => {
    const tracker = createUsageTracker();
    tracker.apply(usageEvent({ input_tokens: 10, output_tokens: 5 }, { cumulative: false, costUsd: 0.1 }));
    tracker.apply(
      usageEvent({ input_tokens: 20, output_tokens: 5, cached_input_tokens: 4 }, { cumulative: false, costUsd: 0.2 }),
    );
    expect(tracker.usage()).toEqual({
      input_tokens: 30,
      cached_input_tokens: 4,
      output_tokens: 10,
      reasoning_tokens: 0,
      total_tokens: 40,
    });
    expect(tracker.costUsd()).toBe(0.3);
    tracker.apply(usageEvent({ input_tokens: 100, output_tokens: 50 }, { cumulative: true, costUsd: null }));
    expect(tracker.usage()?.total_tokens).toBe(150);
    expect(tracker.costUsd()).toBe(0.3);
  });
});

describe('parseStructuredOutput', () => {
  it('parses plain JSON and a single json fence, else null', () => {
    expect(parseStructuredOutput('{"a":1}')).toEqual({ a: 1 });
    expect(parseStructuredOutput('```json\n{"a":[1,2]}\n```')).toEqual({ a: [1, 2] });
    expect(parseStructuredOutput('Here you go: {"a":1}')).toBeNull();
    expect(parseStructuredOutput('')).toBeNull();
    expect(parseStructuredOutput(null)).toBeNull();
  });
});
