/** Milliseconds to wait before attempt `attempt + 1`, given that `attempt` (1-based) just failed. */
export type BackoffFn = (attempt: number) => number;

export interface ExponentialBackoffOptions {
  baseMs?: number;
  factor?: number;
  capMs?: number;
  /** Uniform random number in [0, 1); injectable for tests. */
  random?: () => number;
}

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(cap, base * factor^(attempt-1))].
 * Defaults: base 1 s, factor 2, cap 60 s. Full jitter spreads retries of jobs that failed together.
 */
export function exponentialBackoff(options: ExponentialBackoffOptions = {}): BackoffFn {
  const baseMs = options.baseMs ?? 1000;
  const factor = options.factor ?? 2;
  const capMs = options.capMs ?? 60_000;
  const random = options.random ?? Math.random;
  return (attempt) => {
    const ceiling = Math.min(capMs, baseMs * Math.pow(factor, Math.max(0, attempt - 1)));
    return Math.floor(random() * ceiling);
  };
}
