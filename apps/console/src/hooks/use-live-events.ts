import { coalesce, type EventOut } from '@tasksgodzilla/client';
import { useEffect, useMemo, useRef } from 'react';
import { useConsole } from '../console-context.js';

/** Calls `listener` for every event of the live stream (the latest listener, without resubscribing). */
export function useLiveEvents(listener: (event: EventOut) => void): void {
  const { bus } = useConsole();
  const current = useRef(listener);
  current.current = listener;
  useEffect(() => bus.subscribe((event) => current.current(event)), [bus]);
}

/** A reload that runs once per burst of calls (see coalesce), cancelled on unmount. */
export function useCoalesced(fn: () => void, delayMs: number): () => void {
  const current = useRef(fn);
  current.current = fn;
  const scheduled = useMemo(() => coalesce(() => current.current(), delayMs), [delayMs]);
  useEffect(() => () => scheduled.cancel(), [scheduled]);
  return scheduled;
}
