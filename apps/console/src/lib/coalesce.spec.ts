import { coalesce } from './coalesce.js';
import { createEventBus } from './event-bus.js';
import { event } from '@tasksgodzilla/testing/client-fixtures';

describe('coalesce', () => {
  it('runs once per burst of calls', async () => {
    let calls = 0;
    let done: () => void = () => undefined;
    const ran = new Promise<void>((resolve) => (done = resolve));
    const scheduled = coalesce(() => {
      calls++;
      done();
    }, 5);
    scheduled();
    scheduled();
    scheduled();
    expect(calls).toBe(0);
    await ran;
    expect(calls).toBe(1);
  });

  it('can be cancelled', async () => {
    let calls = 0;
    const scheduled = coalesce(() => calls++, 5);
    scheduled();
    scheduled.cancel();
    // A later burst still runs, and only it.
    const later = new Promise<void>((resolve) => coalesce(resolve, 20)());
    await later;
    expect(calls).toBe(0);
  });
});

describe('event bus', () => {
  it('delivers each event to every subscriber until it unsubscribes', () => {
    const bus = createEventBus();
    const a: number[] = [];
    const b: number[] = [];
    const stopA = bus.subscribe((e) => a.push(e.id));
    bus.subscribe((e) => b.push(e.id));
    bus.emit(event({ id: 1 }));
    stopA();
    bus.emit(event({ id: 2 }));
    expect([a, b]).toEqual([[1], [1, 2]]);
  });
});
