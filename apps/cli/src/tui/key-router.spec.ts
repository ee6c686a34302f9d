import type { Key } from 'ink';
import { createKeyRouter } from './key-router.js';

const key = {} as Key;

describe('key router', () => {
  const main = { name: 'main' };
  const dialog = { name: 'dialog' };

  it('hands each key to the owner of the keyboard', () => {
    const router = createKeyRouter(main);
    const seen: string[] = [];
    router.register(main, (input) => seen.push(`main:${input}`));
    router.register(dialog, (input) => seen.push(`dialog:${input}`));
    router.dispatch('a', key);
    router.focus(dialog);
    router.dispatch('b', key);
    router.focus(main);
    router.dispatch('c', key);
    expect(seen).toEqual(['main:a', 'dialog:b', 'main:c']);
  });

  it('keeps keys for a dialog that is not drawn yet and delivers them, in order, when it registers', () => {
    const router = createKeyRouter(main);
    const seen: string[] = [];
    router.register(main, (input) => {
      seen.push(`main:${input}`);
      if (input === 'R') router.focus(dialog);
    });
    router.dispatch('R', key);
    router.dispatch('x', key);
    router.dispatch('y', key);
    expect(seen).toEqual(['main:R']);
    router.register(dialog, (input) => {
      seen.push(`dialog:${input}`);
      // The first key closes the dialog: the next one goes back to the main screen.
      if (input === 'x') router.focus(main);
    });
    expect(seen).toEqual(['main:R', 'dialog:x', 'main:y']);
  });

  it('drops keys of a dialog that lost the keyboard before it was drawn; unregistering stops delivery', () => {
    const router = createKeyRouter(main);
    const seen: string[] = [];
    const stop = router.register(main, (input) => seen.push(`main:${input}`));
    router.focus(dialog);
    router.dispatch('x', key);
    router.focus(main);
    router.register(dialog, (input) => seen.push(`dialog:${input}`));
    stop();
    router.dispatch('z', key);
    expect(seen).toEqual([]);
  });
});
