/** Polls `read` until `check` holds; fails with the last value after `timeoutMs` (never asserts a duration). */
export async function waitFor<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  what = 'a condition',
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
