import { jest } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncLocalStorage } from 'node:async_hooks';
import { getLogContext, isLogContextTracking, withLogContext } from './log-context.js';

describe('log context', () => {
  it('is empty outside any withLogContext', () => {
    expect(getLogContext()).toEqual({});
  });

  it('returns the value of the function, sync or async', async () => {
    expect(withLogContext({ job_id: 'j' }, () => 42)).toBe(42);
    await expect(withLogContext({ job_id: 'j' }, async () => 'done')).resolves.toBe('done');
  });

  it('follows the call chain across awaits, timers, immediates and callbacks', async () => {
    const seen: unknown[] = [];
    await withLogContext({ request_id: 'req-1', project_id: 7 }, async () => {
      await sleep(2);
      seen.push(getLogContext());
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          seen.push(getLogContext());
          resolve();
        }, 1),
      );
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          seen.push(getLogContext());
          resolve();
        }),
      );
      await Promise.resolve().then(() => seen.push(getLogContext()));
    });
    expect(seen).toEqual(Array(4).fill({ request_id: 'req-1', project_id: 7 }));
    expect(getLogContext()).toEqual({});
  });

  it('merges nested contexts over the outer one and restores the outer one after', async () => {
    await withLogContext({ request_id: 'r', protocol_run_id: 1 }, async () => {
      await withLogContext({ job_id: 'j', protocol_run_id: 2, step_run_id: undefined }, async () => {
        await sleep(1);
        expect(getLogContext()).toEqual({ request_id: 'r', job_id: 'j', protocol_run_id: 2 });
      });
      expect(getLogContext()).toEqual({ request_id: 'r', protocol_run_id: 1 });
    });
  });

  it('keeps the outer value when the inner one is null', () => {
    withLogContext({ job_id: 'outer' }, () => {
      withLogContext({ job_id: null as unknown as string, run_id: 'run' }, () => {
        expect(getLogContext()).toEqual({ job_id: 'outer', run_id: 'run' });
      });
    });
  });

  it('does not mix two interleaved contexts', async () => {
    const seen: Record<string, unknown[]> = { a: [], b: [] };
    const order: string[] = [];
    const task = (name: 'a' | 'b', delays: number[]) =>
      withLogContext({ request_id: `req-${name}`, job_id: `job-${name}` }, async () => {
        for (const delay of delays) {
          await sleep(delay);
          order.push(name);
          seen[name]!.push(getLogContext().request_id, getLogContext().job_id);
        }
      });
    await Promise.all([task('a', [5, 1, 5, 1]), task('b', [1, 5, 1, 5])]);
    expect(order.join('')).not.toMatch(/^(a{4}b{4}|b{4}a{4})$/);
    expect(seen['a']).toEqual(Array(4).fill(['req-a', 'job-a']).flat());
    expect(seen['b']).toEqual(Array(4).fill(['req-b', 'job-b']).flat());
  });

  it('returns a frozen snapshot', () => {
    withLogContext({ job_id: 'j' }, () => {
      expect(Object.isFrozen(getLogContext())).toBe(true);
    });
  });
  describe('tracking (AsyncLocalStorage enabled) only while a scope lasts', () => {
    // A disabled AsyncLocalStorage removes its async hook (Node turns promise hooks off with the last one).
    const disable = jest.spyOn(AsyncLocalStorage.prototype, 'disable');
    afterAll(() => disable.mockRestore());

    it('disables the storage when its scope settles, so promises outside any scope run without hooks', async () => {
      expect(isLogContextTracking()).toBe(false);
      disable.mockClear();
      await withLogContext({ request_id: 'r' }, async () => {
        await null;
        expect(isLogContextTracking()).toBe(true);
        expect(disable).not.toHaveBeenCalled();
      });
      expect(isLogContextTracking()).toBe(false);
      expect(disable).toHaveBeenCalledTimes(1);
      expect(getLogContext()).toEqual({});
    });

    it("stays on until the last of overlapping scopes settles, and carries each one's ids after it is turned on again", async () => {
      let releaseA!: () => void;
      const a = withLogContext({ job_id: 'a' }, async () => {
        await new Promise<void>((resolve) => (releaseA = resolve));
        return getLogContext().job_id;
      });
      const b = withLogContext({ job_id: 'b' }, async () => {
        await null;
        return getLogContext().job_id;
      });
      await expect(b).resolves.toBe('b');
      expect(isLogContextTracking()).toBe(true);
      disable.mockClear();
      releaseA();
      await expect(a).resolves.toBe('a');
      expect(disable).toHaveBeenCalledTimes(1);
      expect(isLogContextTracking()).toBe(false);
      await expect(
        withLogContext({ job_id: 'c' }, async () => {
          await sleep(1);
          return getLogContext().job_id;
        }),
      ).resolves.toBe('c');
      expect(isLogContextTracking()).toBe(false);
    });

    it('is turned off after a synchronous scope, a throw and a rejection', async () => {
      withLogContext({ job_id: 'sync' }, () => expect(isLogContextTracking()).toBe(true));
      expect(isLogContextTracking()).toBe(false);
      expect(() =>
        withLogContext({ job_id: 'throws' }, () => {
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(isLogContextTracking()).toBe(false);
      await expect(
        withLogContext({ job_id: 'rejects' }, async () => {
          throw new Error('no');
        }),
      ).rejects.toThrow('no');
      expect(isLogContextTracking()).toBe(false);
    });
  });
});
