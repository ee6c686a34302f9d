import { createEventBus } from './event-bus.js';
import { event } from '@tasksgodzilla/testing/client-fixtures';

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
