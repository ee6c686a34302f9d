import { createPrettyDestination, formatPrettyLine } from './pretty-format.js';

describe('formatPrettyLine', () => {
  it('puts time, level, logger and message first, then the set ids, then the extras', () => {
    const line = JSON.stringify({
      level: 'debug',
      timestamp: '2026-11-27T17:00:00.000Z',
      logger: 'tasksgodzilla',
      step_run_id: 5,
      request_id: null,
      job_id: 'j-1',
      run_id: 'j-1',
      msg: 'claimed',
      queue: 'default',
      payload: { step_run_id: 5 },
      tags: ['a', 'b'],
      ok: true,
    });
    expect(formatPrettyLine(line)).toBe(
      '2026-11-27T17:00:00.000Z DEBUG tasksgodzilla claimed job=j-1 run=j-1 step=5 queue=default payload={"step_run_id":5} tags=["a","b"] ok=true\n',
    );
  });

  it('quotes values that are not plain words', () => {
    const line = JSON.stringify({
      level: 'info',
      timestamp: 't',
      logger: 'l',
      msg: 'm',
      path: '/projects/1',
      text: 'a "b" c',
      empty: '',
    });
    expect(formatPrettyLine(line)).toBe('t INFO  l m path=/projects/1 text="a \\"b\\" c" empty=""\n');
  });

  it('passes through text that is not a JSON object and drops blank lines', () => {
    expect(formatPrettyLine('plain text')).toBe('plain text\n');
    expect(formatPrettyLine('[1,2]')).toBe('[1,2]\n');
    expect(formatPrettyLine('  ')).toBe('');
  });
});

describe('createPrettyDestination', () => {
  it('formats every line of a chunk and forwards flush', () => {
    const written: string[] = [];
    let flushed = 0;
    const destination = createPrettyDestination({ write: (text) => written.push(text), flush: () => (flushed += 1) });
    destination.write(
      `${JSON.stringify({ level: 'info', timestamp: 't', logger: 'l', msg: 'one' })}\n${JSON.stringify({ level: 'warn', timestamp: 't', logger: 'l', msg: 'two' })}\n`,
    );
    destination.write('\n');
    destination.flush();
    expect(written).toEqual(['t INFO  l one\nt WARN  l two\n']);
    expect(flushed).toBe(1);
  });
});
