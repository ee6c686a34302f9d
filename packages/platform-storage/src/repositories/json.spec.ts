import { parseJsonObject, parseSharedJsonObject } from './json.js';

describe('parseSharedJsonObject (a large column read again and again with the same text)', () => {
  const text = JSON.stringify({ protocol_spec: { steps: [{ id: '01', qa: { policy: 'full' } }] }, auto_pr: 'off' });

  it('gives the same deep-frozen object for the same text', () => {
    const first = parseSharedJsonObject(text);
    expect(first).toEqual(parseJsonObject(text));
    expect(parseSharedJsonObject(`${text}`)).toBe(first);
    const steps = (first?.['protocol_spec'] as { steps: { qa: object }[] }).steps;
    expect([Object.isFrozen(first), Object.isFrozen(steps), Object.isFrozen(steps[0]?.qa)]).toEqual([true, true, true]);
    expect(() => {
      (first as Record<string, unknown>)['auto_pr'] = 'draft';
    }).toThrow(TypeError);
  });

  it('reads what parseJsonObject reads as null as null (empty, bad JSON, not an object)', () => {
    expect([null, undefined, '', '{bad', '[1,2]', '"text"'].map((value) => parseSharedJsonObject(value))).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('keeps the 64 most recently used texts: an older one is parsed again, as a new object', () => {
    const kept = parseSharedJsonObject('{"n":-1}');
    const oldest = parseSharedJsonObject('{"n":-2}');
    for (let i = 0; i < 63; i++) {
      parseSharedJsonObject(`{"n":${i}}`);
      // Used again all along: it stays.
      expect(parseSharedJsonObject('{"n":-1}')).toBe(kept);
    }
    const again = parseSharedJsonObject('{"n":-2}');
    expect(again).toEqual(oldest);
    expect(again).not.toBe(oldest);
  });
});
