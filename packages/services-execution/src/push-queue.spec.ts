import { createPushQueue } from './push-queue.js';

/** A push function whose calls wait until the test releases them, one at a time. */
function gatedPush() {
  const calls: { key: string; batch: string[]; release: (error?: Error) => void }[] = [];
  const waiters: (() => void)[] = [];
  const push = (key: string, batch: readonly string[]) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ key, batch: [...batch], release: (error) => (error ? reject(error) : resolve()) });
      waiters.splice(0).forEach((wake) => wake());
    });
  /** Resolves once `count` pushes have started. */
  const started = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => (calls.length >= count ? resolve() : waiters.push(check));
      check();
    });
  return { calls, push, started };
}

describe('createPushQueue', () => {
  it('runs one push at a time per lane; requests that arrive meanwhile share the next push', async () => {
    const gate = gatedPush();
    const queue = createPushQueue<string>(gate.push, () => undefined);
    queue.enqueue('/wt/a', 'step-1');
    await gate.started(1);
    queue.enqueue('/wt/a', 'step-2');
    queue.enqueue('/wt/a', 'step-3');
    expect(queue.pending()).toBe(3);
    expect(gate.calls.map((call) => call.batch)).toEqual([['step-1']]);

    gate.calls[0]!.release();
    await gate.started(2);
    expect(gate.calls.map((call) => call.batch)).toEqual([['step-1'], ['step-2', 'step-3']]);
    // A request made while that batch runs waits for a third push.
    queue.enqueue('/wt/a', 'step-4');
    gate.calls[1]!.release();
    await gate.started(3);
    expect(gate.calls[2]!.batch).toEqual(['step-4']);
    gate.calls[2]!.release();
    await queue.settle('/wt/a');
    expect(queue.pending()).toBe(0);
  });

  it('lanes are independent: another worktree does not wait', async () => {
    const gate = gatedPush();
    const queue = createPushQueue<string>(gate.push, () => undefined);
    queue.enqueue('/wt/a', 'a-1');
    queue.enqueue('/wt/b', 'b-1');
    await gate.started(2);
    expect(gate.calls.map((call) => call.key).sort()).toEqual(['/wt/a', '/wt/b']);

    let aSettled = false;
    const settledA = queue.settle('/wt/a').then(() => {
      aSettled = true;
    });
    gate.calls.find((call) => call.key === '/wt/b')!.release();
    await queue.settle('/wt/b');
    expect(aSettled).toBe(false);
    expect(queue.pending()).toBe(1);
    gate.calls.find((call) => call.key === '/wt/a')!.release();
    await settledA;
    expect(queue.pending()).toBe(0);
  });

  it('settle() waits for every lane, including requests queued while it waits', async () => {
    const gate = gatedPush();
    const queue = createPushQueue<string>(gate.push, () => undefined);
    queue.enqueue('/wt/a', 'a-1');
    await gate.started(1);
    let settled = false;
    const all = queue.settle().then(() => {
      settled = true;
    });
    queue.enqueue('/wt/a', 'a-2');
    gate.calls[0]!.release();
    await gate.started(2);
    expect(settled).toBe(false);
    gate.calls[1]!.release();
    await all;
    expect(gate.calls.map((call) => call.batch)).toEqual([['a-1'], ['a-2']]);
  });

  it('a failed push is reported and the lane goes on', async () => {
    const gate = gatedPush();
    const errors: [string, string][] = [];
    const queue = createPushQueue<string>(gate.push, (error, key) => errors.push([key, (error as Error).message]));
    queue.enqueue('/wt/a', 'a-1');
    await gate.started(1);
    queue.enqueue('/wt/a', 'a-2');
    gate.calls[0]!.release(new Error('remote hung up'));
    await gate.started(2);
    gate.calls[1]!.release();
    await queue.settle();
    expect(errors).toEqual([['/wt/a', 'remote hung up']]);
    expect(queue.pending()).toBe(0);
  });

  it('settle() with nothing queued resolves at once', async () => {
    const queue = createPushQueue<string>(
      async () => undefined,
      () => undefined,
    );
    await expect(queue.settle()).resolves.toBeUndefined();
    await expect(queue.settle('/wt/none')).resolves.toBeUndefined();
  });
});
