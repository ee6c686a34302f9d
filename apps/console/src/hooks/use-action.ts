import { useCallback, useState } from 'react';
import { useConsole } from '../console-context.js';
import { errorText } from '../lib/format.js';

export interface ActionRunner {
  /** Name of the action in flight (its button shows busy), or null. */
  busy: string | null;
  /**
   * Runs an api call: the success message (a toast) or the api's error (in red) goes to the status
   * area; `after` runs on success. Resolves with the result, or undefined after an error.
   */
  run<T>(
    name: string,
    call: () => Promise<T>,
    success: string | ((result: T) => string),
    after?: (result: T) => void | Promise<void>,
  ): Promise<T | undefined>;
}

export function useAction(): ActionRunner {
  const { notify } = useConsole();
  const [busy, setBusy] = useState<string | null>(null);
  const run = useCallback(
    async <T>(
      name: string,
      call: () => Promise<T>,
      success: string | ((result: T) => string),
      after?: (result: T) => void | Promise<void>,
    ) => {
      setBusy(name);
      try {
        const result = await call();
        notify(typeof success === 'function' ? success(result) : success, 'toast');
        await after?.(result);
        return result;
      } catch (error) {
        notify(errorText(error), 'error');
        return undefined;
      } finally {
        setBusy(null);
      }
    },
    [notify],
  );
  return { busy, run };
}
