/**
 * Pushes behind the steps: a step's job ends at its commit, and its branch is pushed after it, in
 * order, one push at a time per worktree (issue 12: on a trivial step the push was a third of the
 * step; on a real remote it is a network round trip the next step need not wait for).
 *
 * Requests that arrive while a push runs wait together and share the next push: it pushes the
 * branch's head, which holds every commit they made. Each request still gets its own outcome.
 * `settle` waits for a worktree's lane (or every lane) to empty: the run's end calls it before its
 * own push and the worktree's removal, and a closing runtime calls it before the database goes.
 */
export interface PushQueue<R> {
  /** Queues `request` on the lane `key`: it joins the batch waiting there, or starts a new one. */
  enqueue(key: string, request: R): void;
  /** Resolves once the lane `key` (every lane when omitted) has no push running or waiting. */
  settle(key?: string): Promise<void>;
  /** How many requests are queued or being pushed on the lane `key` (over all lanes when omitted). */
  pending(key?: string): number;
}

interface Lane<R> {
  tail: Promise<void>;
  /** The batch not started yet (new requests join it); null while none waits. */
  waiting: R[] | null;
  count: number;
}

/**
 * A push queue whose batches run through `push(key, batch)`; that function reports each request's
 * outcome itself. A rejection is reported to `onError` and does not stop the lane.
 */
export function createPushQueue<R>(
  push: (key: string, batch: readonly R[]) => Promise<void>,
  onError: (error: unknown, key: string) => void,
): PushQueue<R> {
  const lanes = new Map<string, Lane<R>>();

  function runNext(key: string, lane: Lane<R>, batch: R[]): Promise<void> {
    if (lane.waiting === batch) lane.waiting = null;
    return push(key, batch)
      .catch((error: unknown) => onError(error, key))
      .finally(() => {
        lane.count -= batch.length;
        if (lane.count === 0 && lanes.get(key) === lane) lanes.delete(key);
      });
  }

  return {
    enqueue(key, request) {
      let lane = lanes.get(key);
      if (!lane) {
        lane = { tail: Promise.resolve(), waiting: null, count: 0 };
        lanes.set(key, lane);
      }
      lane.count += 1;
      if (lane.waiting) {
        lane.waiting.push(request);
        return;
      }
      const batch = [request];
      const current = lane;
      current.waiting = batch;
      current.tail = current.tail.then(() => runNext(key, current, batch));
    },

    async settle(key) {
      for (;;) {
        const open = key === undefined ? [...lanes.values()] : [lanes.get(key)].filter((lane) => lane !== undefined);
        if (open.length === 0) return;
        await Promise.all(open.map((lane) => lane.tail));
      }
    },

    pending(key) {
      if (key !== undefined) return lanes.get(key)?.count ?? 0;
      let total = 0;
      for (const lane of lanes.values()) total += lane.count;
      return total;
    },
  };
}
