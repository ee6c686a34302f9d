import { useCallback, useEffect, useRef, useState } from 'react';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads again, keeping the current data on screen meanwhile; resolves with the fresh data (undefined after an error). */
  reload(): Promise<T | undefined>;
  /** Replaces the data (an action answered with the fresh record). */
  setData(update: (current: T | undefined) => T | undefined): void;
}

interface State<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
}

/**
 * Data of one api call. `key` identifies what is loaded (ids, client): when it changes the old data
 * is dropped and loaded anew; answers to an older request never overwrite a newer one. A null
 * `load` loads nothing.
 */
export function useResource<T>(load: (() => Promise<T>) | null, key: readonly unknown[]): Resource<T> {
  const [state, setState] = useState<State<T>>({ data: undefined, error: undefined, loading: load !== null });
  const sequence = useRef(0);
  const loader = useRef(load);
  loader.current = load;

  const reload = useCallback(async (): Promise<T | undefined> => {
    const fn = loader.current;
    if (!fn) return undefined;
    const id = ++sequence.current;
    setState((current) => ({ ...current, loading: true }));
    try {
      const data = await fn();
      if (id === sequence.current) setState({ data, error: undefined, loading: false });
      return data;
    } catch (error) {
      if (id === sequence.current) setState((current) => ({ data: current.data, error, loading: false }));
      return undefined;
    }
  }, []);

  useEffect(() => {
    sequence.current++;
    setState({ data: undefined, error: undefined, loading: loader.current !== null });
    void reload();
    // `key` is the dependency list by design: it names what `load` loads.
  }, key);

  const setData = useCallback((update: (current: T | undefined) => T | undefined) => {
    sequence.current++;
    setState((current) => ({ data: update(current.data), error: undefined, loading: false }));
  }, []);

  return { ...state, reload, setData };
}
