/**
 * Runs `fn` once for a burst of calls: the first call schedules it after `delayMs`, later calls in
 * that window join it. Events arrive in bursts (a step completing writes several); one reload covers them.
 */
export function coalesce(fn: () => void, delayMs: number): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    timer = undefined;
    fn();
  };
  const schedule = () => {
    if (timer === undefined) timer = setTimeout(run, delayMs);
  };
  schedule.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return schedule;
}
