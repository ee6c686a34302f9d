import { terminalSafe } from './terminal-text.js';

describe('terminalSafe', () => {
  it('shows escape sequences (OSC title, clear screen, OSC 8 link, CSI) as visible text', () => {
    const hostile =
      '\u001b]0;owned\u0007\u001b[2J\u001b]8;;https://evil.invalid\u001b\\click\u001b]8;;\u001b\\\u009b31m';
    const safe = terminalSafe(hostile);
    expect(safe).toBe('\\x1b]0;owned\\x07\\x1b[2J\\x1b]8;;https://evil.invalid\\x1b\\click\\x1b]8;;\\x1b\\\\x9b31m');
    expect(
      [...safe].some((char) => char.charCodeAt(0) < 0x20 || (char.charCodeAt(0) >= 0x7f && char.charCodeAt(0) <= 0x9f)),
    ).toBe(false);
  });

  it('keeps newlines and tabs of multi-line output, but not in single-line values; shows bidi overrides and NUL', () => {
    expect(terminalSafe('a\tb\nc\rd')).toBe('a\tb\nc\\x0dd');
    expect(terminalSafe('a\tb\nc', { singleLine: true })).toBe('a\\x09b\\x0ac');
    expect(terminalSafe('abc\u202edef\u0000')).toBe('abc\\u202edef\\x00');
    expect(terminalSafe('plain ünïcode — ok 😀')).toBe('plain ünïcode — ok 😀');
  });
});
