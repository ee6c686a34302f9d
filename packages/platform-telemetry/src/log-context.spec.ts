import { setTimeout as sleep } from 'node:timers/promises';
import { getLogContext, withLogContext } from './log-context.js';

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
});
