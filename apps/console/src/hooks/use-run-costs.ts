import type { ProtocolRunOut, TasksGodzillaClient } from '@tasksgodzilla/client';
import { useCallback, useEffect, useRef, useState } from 'react';

/** Runs whose cost is loaded at most, per list. */
const MAX_RUNS = 50;

/**
 * Cost in USD of each listed run (GET /protocols/{id}/usage), loaded again only for runs that
 * changed since (their `updated_at`) or that `invalidate` names (an event reported usage).
 */
export function useRunCosts(
  client: TasksGodzillaClient,
  runs: readonly ProtocolRunOut[] | undefined,
): { costs: ReadonlyMap<number, number>; invalidate(runId: number): void } {
  const [costs, setCosts] = useState<ReadonlyMap<number, number>>(new Map());
  const loaded = useRef(new Map<number, string>());
  const [tick, setTick] = useState(0);

  useEffect(() => {
    loaded.current.clear();
    setCosts(new Map());
  }, [client]);

  useEffect(() => {
    if (!runs) return;
    let cancelled = false;
    const stale = runs.slice(0, MAX_RUNS).filter((run) => loaded.current.get(run.id) !== run.updated_at);
    if (stale.length === 0) return;
    void Promise.all(
      stale.map(async (run) => {
        try {
          return { run, cost: (await client.getProtocolUsage(run.id)).cost_usd };
        } catch {
          return null;
        }
      }),
    ).then((results) => {
      if (cancelled) return;
      const fresh = results.filter((result) => result !== null);
      for (const { run } of fresh) loaded.current.set(run.id, run.updated_at);
      setCosts((previous) => {
        const next = new Map(previous);
        for (const { run, cost } of fresh) next.set(run.id, cost);
        return next;
      });
    });
    return () => {
      cancelled = true;
    };
  }, [client, runs, tick]);

  const invalidate = useCallback((runId: number) => {
    loaded.current.delete(runId);
    setTick((value) => value + 1);
  }, []);

  return { costs, invalidate };
}
