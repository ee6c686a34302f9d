import { render } from 'ink-testing-library';
import { DetailBox } from './detail-box.js';
import { SelectList } from './select-list.js';
import { StatusBar } from './status-bar.js';

// Issue 10: names from the api reach the operator's terminal; the TUI shows their control characters as escapes.

const HOSTILE = 'demo\u001b]0;owned\u0007\u001b]8;;https://evil.invalid\u001b\\x';

/** OSC sequences (title, links) and BEL never reach the terminal. */
function hasOscOrBell(frame: string): boolean {
  return frame.includes('\u001b]') || frame.includes('\u0007');
}

describe('TUI components show hostile names safely', () => {
  it('select list, detail box and status bar', () => {
    const list = render(
      <SelectList
        title={HOSTILE}
        items={[{ id: '1', label: HOSTILE, subtitle: HOSTILE }]}
        highlight={0}
        selectedId={null}
        focused
        height={6}
        width={200}
      />,
    );
    const detail = render(<DetailBox title={HOSTILE} text={`${HOSTILE}\nsecond`} height={6} width={200} />);
    const status = render(<StatusBar status={{ tone: 'error', text: HOSTILE }} />);
    for (const app of [list, detail, status]) {
      const frame = app.lastFrame() ?? '';
      expect(hasOscOrBell(frame)).toBe(false);
      expect(frame).toContain('demo\\x1b]0;owned\\x07');
      app.unmount();
    }
  });
});
