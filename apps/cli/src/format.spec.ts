import {
  cell,
  formatDuration,
  formatEventLine,
  formatTs,
  renderOnboarding,
  renderQueueStats,
  renderRecord,
  renderTable,
  shortHash,
  truncate,
} from './format.js';

describe('formatTs', () => {
  it.each([
    ['2026-11-27T17:00:05.123Z', '2026-11-27 17:00:05'],
    ['2026-11-27T17:00:05+02:00', '2026-11-27 17:00:05'],
    ['2026-11-27 17:00:05', '2026-11-27 17:00:05'],
    ['', '-'],
    [null, '-'],
    [undefined, '-'],
    ['yesterday', 'yesterday'],
  ])('%j → %j', (input, output) => {
    expect(formatTs(input)).toBe(output);
  });

  it('reads epoch seconds (the original job timestamps)', () => {
    expect(formatTs(1_800_000_000)).toBe('2027-01-15 08:00:00');
  });
});

describe('renderTable', () => {
  it('pads columns to the widest cell, dashes under headers, no trailing spaces', () => {
    expect(
      renderTable(
        ['ID', 'Name'],
        [
          [1, 'alpha'],
          [22, null],
        ],
      ),
    ).toBe(['ID  Name', '--  -----', '1   alpha', '22  -'].join('\n'));
  });

  it('renders objects as JSON and empties as -', () => {
    expect(cell({ a: 1 })).toBe('{"a":1}');
    expect(cell('')).toBe('-');
    expect(cell(0)).toBe('0');
  });
});

describe('renderRecord', () => {
  it('aligns keys, formats *_at timestamps, keeps the given key order', () => {
    expect(
      renderRecord({ id: 1, name: 'demo', updated_at: '2026-11-27T17:00:00.000Z', secrets: { api_token: '***' } }, [
        'name',
        'id',
        'secrets',
        'updated_at',
      ]),
    ).toBe(
      ['name:       demo', 'id:         1', 'secrets:    {"api_token":"***"}', 'updated_at: 2026-11-27 17:00:00'].join(
        '\n',
      ),
    );
  });
});

describe('event lines', () => {
  const base = {
    id: 3,
    project_id: 1,
    protocol_run_id: 2,
    step_run_id: 7,
    event_type: 'step_completed',
    message: 'Step done.',
    metadata: null,
    created_at: '2026-11-27T17:00:03.000Z',
    protocol_name: null,
    project_name: null,
  };

  it('names the protocol (by name when known) and the step', () => {
    expect(formatEventLine({ ...base, protocol_name: '0001-demo' })).toBe(
      '[2026-11-27 17:00:03] step_completed (protocol 0001-demo, step 7) :: Step done.',
    );
    expect(formatEventLine({ ...base, protocol_run_id: null, step_run_id: null })).toBe(
      '[2026-11-27 17:00:03] step_completed (project 1) :: Step done.',
    );
  });

  it('shows a short spec hash', () => {
    expect(formatEventLine({ ...base, step_run_id: null, metadata: { spec_hash: '0123456789abcdef' } })).toBe(
      '[2026-11-27 17:00:03] step_completed (protocol #2) [spec:0123456789ab] :: Step done.',
    );
    expect(shortHash(null)).toBe('-');
  });
});

describe('renderQueueStats', () => {
  it('one row per queue, one column per status seen', () => {
    expect(renderQueueStats({ backend: 'embedded', default: { queued: 1, failed: 2 }, other: { running: 3 } })).toBe(
      [
        'Backend: embedded',
        'Queue    queued  failed  running',
        '-------  ------  ------  -------',
        'default  1       2       0',
        'other    0       0       3',
      ].join('\n'),
    );
  });

  it('says so when there is no queue', () => {
    expect(renderQueueStats({ backend: 'bullmq' })).toBe('Backend: bullmq\nNo queues.');
  });
});

describe('renderOnboarding', () => {
  it('shows stages and the newest events first (the original showed the oldest)', () => {
    const ev = (id: number, type: string) => ({
      id,
      project_id: 1,
      protocol_run_id: 3,
      step_run_id: null,
      event_type: type,
      message: type,
      metadata: null,
      created_at: `2026-11-27T17:00:0${id}.000Z`,
      protocol_name: null,
      project_name: null,
    });
    const text = renderOnboarding(
      {
        project_id: 1,
        protocol_run_id: 3,
        status: 'completed',
        workspace_path: '/w',
        hint: null,
        last_event: ev(3, 'setup_completed'),
        stages: [
          {
            key: 'resolve',
            name: 'Resolve/Clone',
            status: 'completed',
            event_type: 'setup_cloned',
            message: 'Cloned.',
            created_at: '2026-11-27T17:00:02.000Z',
            metadata: null,
          },
        ],
        events: [ev(1, 'setup_started'), ev(2, 'setup_cloned'), ev(3, 'setup_completed')],
      },
      2,
    );
    expect(text).toContain('Project 1 onboarding status: completed');
    expect(text).toContain('Last event: setup_completed at 2026-11-27 17:00:03 — setup_completed');
    expect(text).toContain('Resolve/Clone  completed  2026-11-27 17:00:02  Cloned.');
    expect(text.split('Recent events:\n')[1]).toBe(
      '- 2026-11-27 17:00:03 setup_completed: setup_completed\n- 2026-11-27 17:00:02 setup_cloned: setup_cloned',
    );
  });
});

describe('small helpers', () => {
  it('truncates to one line', () => {
    expect(truncate('a\n  b', 10)).toBe('a b');
    expect(truncate('abcdefghijkl', 5)).toBe('abcd…');
  });

  it('formats durations', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });
});
