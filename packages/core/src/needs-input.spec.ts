import { NEEDS_INPUT_MAX_CHARS, parseNeedsInput } from './needs-input.js';

describe('parseNeedsInput', () => {
  it('reads a NEEDS_INPUT block to the end of the message', () => {
    const message = [
      'I looked at the config loader.',
      '',
      'NEEDS_INPUT: Which database should the cache use?',
      '- PostgreSQL (already deployed)',
      '- Redis',
    ].join('\n');
    expect(parseNeedsInput(message)).toBe(
      'Which database should the cache use?\n- PostgreSQL (already deployed)\n- Redis',
    );
  });

  it('stops at END_NEEDS_INPUT and tolerates markdown around the marker', () => {
    const message = '**NEEDS_INPUT:**\nKeep the v1 endpoint?\nEND_NEEDS_INPUT\nSummary: nothing changed yet.';
    expect(parseNeedsInput(message)).toBe('Keep the v1 endpoint?');
    expect(parseNeedsInput('> NEEDS_INPUT: Rename the table?')).toBe('Rename the table?');
  });

  it('drops the closing fence of a fenced block', () => {
    expect(parseNeedsInput('```\nNEEDS_INPUT: Tabs or spaces?\n```')).toBe('Tabs or spaces?');
  });

  it('reads the needs_input field of a JSON final message', () => {
    expect(parseNeedsInput('{"needs_input": "Which region?"}')).toBe('Which region?');
    expect(parseNeedsInput('```json\n{"needs_input": {"question": "Which port?"}}\n```')).toBe('Which port?');
    expect(parseNeedsInput('{"needs_input": null, "summary": "done"}')).toBeNull();
  });

  it('asks nothing for ordinary messages, empty blocks or a marker inside a line', () => {
    expect(parseNeedsInput(null)).toBeNull();
    expect(parseNeedsInput('Changed two files; tests pass.')).toBeNull();
    expect(parseNeedsInput('NEEDS_INPUT:   \n\n')).toBeNull();
    expect(parseNeedsInput('I did not need to write NEEDS_INPUT: anything.')).toBeNull();
    expect(parseNeedsInput('{"summary": "done"}')).toBeNull();
  });

  it('cuts a very long question with a note', () => {
    const question = parseNeedsInput(`NEEDS_INPUT: ${'x'.repeat(NEEDS_INPUT_MAX_CHARS * 2)}`);
    expect(question).toHaveLength(NEEDS_INPUT_MAX_CHARS);
    expect(question?.endsWith('(question truncated)')).toBe(true);
  });
});
