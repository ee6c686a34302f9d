import {
  errorText,
  formatJson,
  formatTime,
  formatTokens,
  formatUsd,
  policyLabel,
  runtimeStateLabel,
  shortHash,
  specBadge,
} from './format.js';

describe('format', () => {
  it('formats times, and shows what does not parse as it is', () => {
    expect(formatTime('2026-11-27T17:00:00.000Z')).toBe(new Date('2026-11-27T17:00:00.000Z').toLocaleString());
    expect(formatTime('not a date')).toBe('not a date');
    expect(formatTime(null)).toBe('-');
    expect(formatTime(1_764_262_800)).toBe(new Date(1_764_262_800_000).toLocaleString());
  });

  it('builds the spec badge', () => {
    expect(specBadge('4ef71ca9aa00', 'valid')).toBe('4ef71ca9 · valid');
    expect(specBadge('4ef71ca9aa00', null)).toBe('4ef71ca9 · unknown');
    expect(specBadge(null, 'valid')).toBe('spec: n/a');
    expect(shortHash(undefined)).toBe('');
  });

  it('formats money and tokens', () => {
    expect([formatUsd(0), formatUsd(1.234), formatUsd(0.0042), formatUsd(null)]).toEqual([
      '$0.00',
      '$1.23',
      '$0.0042',
      '-',
    ]);
    expect(formatTokens(1234567)).toBe('1,234,567');
  });

  it('labels policies: behavior action →trigger max:N, several joined by " / "', () => {
    expect(policyLabel({ behavior: 'loop', action: 'reset', max_iterations: 3 })).toBe('loop reset max:3');
    expect(
      policyLabel([
        { behavior: 'trigger', trigger_agent_id: 'fixer' },
        { behavior: 'loop', action: ['a', 'b'] },
      ]),
    ).toBe('trigger →fixer / loop a / b');
    expect(policyLabel(null)).toBe('-');
  });

  it('labels runtime state: loops(k:v) triggered_by:X target:N', () => {
    expect(runtimeStateLabel({ loop_counts: { review: 2 }, last_triggered_by: 'qa', last_target_step_index: 1 })).toBe(
      'loops(review:2) triggered_by:qa target:1',
    );
    expect(runtimeStateLabel({ loopCounts: { a: 1 } })).toBe('loops(a:1)');
    expect(runtimeStateLabel({})).toBe('-');
  });

  it('truncates long JSON and reads error messages', () => {
    expect(formatJson({ a: 'x'.repeat(50) }, 20)).toMatch(/\.\.\. \(truncated\)$/);
    expect(formatJson(null)).toBe('');
    expect(errorText(new Error('409 Conflict: Protocol already terminal'))).toBe(
      '409 Conflict: Protocol already terminal',
    );
    expect(errorText('plain')).toBe('plain');
  });
});
