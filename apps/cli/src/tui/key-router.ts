import type { Key } from 'ink';
import { useLayoutEffect, useRef } from 'react';

export type KeyHandler = (input: string, key: Key) => void;

/**
 * One input handler for the whole TUI, attached once, that hands each key to whoever owns the
 * keyboard now: the main screen, or the dialog on top. Ownership changes synchronously (when a key
 * opens or closes a dialog), so the next key goes to the right place even before React has drawn
 * the change; keys for a dialog that is not mounted yet wait and are delivered, in order, when it
 * registers. No key is lost between a frame and its handler, however busy the machine.
 */
export interface KeyRouter {
  /** Ink's `useInput` handler. */
  dispatch: KeyHandler;
  /** Gives the keyboard to `owner` (any object identifying the main screen or a dialog). */
  focus(owner: object): void;
  /** The owner's handler; returns the unregister function. Keys already sent to it are delivered now. */
  register(owner: object, handler: KeyHandler): () => void;
}

export function createKeyRouter(initialOwner: object): KeyRouter {
  let owner = initialOwner;
  const handlers = new Map<object, KeyHandler>();
  let waiting: { owner: object; input: string; key: Key }[] = [];

  const dispatch: KeyHandler = (input, key) => {
    const handler = handlers.get(owner);
    if (handler) handler(input, key);
    else waiting.push({ owner, input, key });
  };

  return {
    dispatch,
    focus(next) {
      owner = next;
      // Keys queued for an owner that lost the keyboard before it ever mounted go nowhere.
      waiting = waiting.filter((entry) => entry.owner === next);
    },
    register(target, handler) {
      handlers.set(target, handler);
      const mine = waiting.filter((entry) => entry.owner === target);
      waiting = waiting.filter((entry) => entry.owner !== target);
      // A delivered key may pass the keyboard on (close the dialog): the next ones follow the owner.
      for (const entry of mine) dispatch(entry.input, entry.key);
      return () => {
        if (handlers.get(target) === handler) handlers.delete(target);
      };
    },
  };
}

/**
 * Registers `handler` for `owner` while the component is mounted. Registered in a layout effect:
 * in the same commit that draws the component, before any further key can arrive.
 */
export function useKeyHandler(router: KeyRouter, owner: object, handler: KeyHandler): void {
  const latest = useRef(handler);
  latest.current = handler;
  useLayoutEffect(() => router.register(owner, (input, key) => latest.current(input, key)), [router, owner]);
}
