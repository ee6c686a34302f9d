import type { Engine, EngineEvent, EngineOperation, EngineRequest, EngineResult } from './engine.types.js';

export interface EngineRunStream {
  /** Live events, in order, ending after the `terminal` event (or when the run throws). */
  events: AsyncIterable<EngineEvent>;
  /** The run's result; rejects when the run throws (bad request, engine not installed). */
  result: Promise<EngineResult>;
}

/**
 * Starts a run and exposes its events as an async iterator, for callers that prefer `for await`
 * over the `onEvent` callback. The request's own onEvent (if any) still receives every event.
 */
export function streamEngineRun(engine: Engine, operation: EngineOperation, request: EngineRequest): EngineRunStream {
  const buffer: EngineEvent[] = [];
  let closed = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    const resume = wake;
    wake = null;
    resume?.();
  };
  const result = engine.run(operation, {
    ...request,
    onEvent: (event) => {
      request.onEvent?.(event);
      buffer.push(event);
      notify();
    },
  });
  const close = () => {
    closed = true;
    notify();
  };
  result.then(close, close);

  async function* iterate(): AsyncGenerator<EngineEvent> {
    for (;;) {
      const next = buffer.shift();
      if (next) {
        yield next;
        continue;
      }
      if (closed) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  }
  return { events: { [Symbol.asyncIterator]: iterate }, result };
}
