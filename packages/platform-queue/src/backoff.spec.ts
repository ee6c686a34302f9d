import { exponentialBackoff } from './backoff.js';

describe('exponentialBackoff', () => {
  it('draws a full-jitter delay under base * 2^(attempt-1), capped at 60 s', () => {
    const top = exponentialBackoff({ random: () => 0.999999 });
    expect([1, 2, 3, 4, 6, 7, 20].map(top)).toEqual([999, 1999, 3999, 7999, 31999, 59999, 59999]);
    const bottom = exponentialBackoff({ random: () => 0 });
    expect([1, 5, 30].map(bottom)).toEqual([0, 0, 0]);
    const half = exponentialBackoff({ random: () => 0.5, baseMs: 100, factor: 3, capMs: 1000 });
    expect([1, 2, 3, 4].map(half)).toEqual([50, 150, 450, 500]);
  });

  it('stays within bounds with the real random source', () => {
    const backoff = exponentialBackoff();
    for (let i = 0; i < 100; i++) {
      const delay = backoff(3);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(4000);
    }
  });
});
