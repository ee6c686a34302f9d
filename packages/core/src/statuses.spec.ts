import {
  JOB_TRANSITIONS,
  PROTOCOL_STATUSES,
  PROTOCOL_TRANSITIONS,
  STEP_STATUSES,
  STEP_TRANSITIONS,
  TERMINAL_PROTOCOL_STATUSES,
  assertTransition,
  isLegalTransition,
} from './statuses.js';
import type { TransitionTable } from './statuses.js';
import { ConflictError } from './errors.js';

describe('transition tables', () => {
  it('cover every status and only name known statuses', () => {
    expect(Object.keys(PROTOCOL_TRANSITIONS).sort()).toEqual([...PROTOCOL_STATUSES].sort());
    expect(Object.keys(STEP_TRANSITIONS).sort()).toEqual([...STEP_STATUSES].sort());
    for (const targets of Object.values(PROTOCOL_TRANSITIONS))
      for (const t of targets) expect(PROTOCOL_STATUSES).toContain(t);
    for (const targets of Object.values(STEP_TRANSITIONS)) for (const t of targets) expect(STEP_STATUSES).toContain(t);
  });

  it('keep terminal protocol runs terminal', () => {
    for (const status of TERMINAL_PROTOCOL_STATUSES) expect(PROTOCOL_TRANSITIONS[status]).toEqual([]);
    expect(isLegalTransition(PROTOCOL_TRANSITIONS, 'cancelled', 'running')).toBe(false);
  });

  it('allow the normal lifecycle', () => {
    const path = [
      'pending',
      'planning',
      'planned',
      'running',
      'paused',
      'running',
      'blocked',
      'running',
      'completed',
    ] as const;
    for (let i = 1; i < path.length; i++)
      expect(isLegalTransition(PROTOCOL_TRANSITIONS, path[i - 1]!, path[i]!)).toBe(true);
  });

  it.each([
    ['step', 'pending', 'running', true],
    ['step', 'running', 'needs_qa', true],
    ['step', 'needs_qa', 'completed', true],
    ['step', 'running', 'needs_input', true],
    ['step', 'needs_input', 'pending', true],
    ['step', 'needs_input', 'cancelled', true],
    ['step', 'needs_input', 'running', false],
    ['step', 'pending', 'needs_input', false],
    ['step', 'completed', 'pending', true],
    ['step', 'completed', 'running', false],
    ['job', 'succeeded', 'queued', false],
    ['job', 'failed', 'queued', true],
  ] as const)('judge the %s transition %s -> %s legal: %s', (kind, from, to, legal) => {
    const table: TransitionTable<string> = kind === 'step' ? STEP_TRANSITIONS : JOB_TRANSITIONS;
    expect(isLegalTransition(table, from, to)).toBe(legal);
  });

  it('assertTransition throws a ConflictError naming both ends', () => {
    expect(() => assertTransition('protocol', PROTOCOL_TRANSITIONS, 'completed', 'running')).toThrow(ConflictError);
    expect(() => assertTransition('protocol', PROTOCOL_TRANSITIONS, 'completed', 'running')).toThrow(
      'Illegal protocol transition completed -> running',
    );
    expect(() => assertTransition('step', STEP_TRANSITIONS, 'pending', 'running')).not.toThrow();
  });
});
