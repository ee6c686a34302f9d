import type { WakeupChannel } from './wakeups.js';

// Its own module, imported by the BullMQ transport (loaded by import() only when asked for): the code
// that module shares with the package's index is then this object alone, not wakeups.ts and the
// kysely it imports. An app bundling both had to wrap that shared code and all of kysely for lazy
// evaluation, which kept every kysely module in its bundle and evaluated them at each start (issue 12).

/** The channel of a queue without cross-process wake-ups: workers poll. */
export const NO_WAKEUPS: WakeupChannel = {
  insertNotify: null,
  announce: () => undefined,
  watch: () => ({ live: false, stop: async () => undefined }),
  close: async () => undefined,
};
