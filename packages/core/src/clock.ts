/** Time source, injected so tests can control it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** ISO-8601 UTC with milliseconds: the one timestamp format stored and returned everywhere. */
export function toIso(date: Date): string {
  return date.toISOString();
}

export function nowIso(clock: Clock = systemClock): string {
  return clock.now().toISOString();
}

/** A clock that only moves when told to. */
export function createManualClock(
  start: Date | string = '2026-01-01T00:00:00.000Z',
): Clock & { advance(ms: number): void; set(date: Date | string): void } {
  let current = new Date(start);
  return {
    now: () => new Date(current.getTime()),
    advance(ms: number) {
      current = new Date(current.getTime() + ms);
    },
    set(date: Date | string) {
      current = new Date(date);
    },
  };
}
