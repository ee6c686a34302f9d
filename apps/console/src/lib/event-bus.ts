import type { EventOut } from '@tasksgodzilla/client';

export type EventListener = (event: EventOut) => void;

/** Fans the one event stream out to every panel that listens. */
export interface EventBus {
  emit(event: EventOut): void;
  subscribe(listener: EventListener): () => void;
}

export function createEventBus(): EventBus {
  const listeners = new Set<EventListener>();
  return {
    emit: (event) => {
      for (const listener of [...listeners]) listener(event);
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
