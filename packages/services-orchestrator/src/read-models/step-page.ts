import type { Page, PageRequest, StepRun } from '@tasksgodzilla/core';
import { decodeCursor, encodeCursor } from '@tasksgodzilla/platform-storage';

const DEFAULT_STEP_PAGE = 50;

/** One page of a run's steps (by index); steps are bounded by the run's spec, so pages are cut in memory, keyed by (step_index, id). */
export function pageOfSteps(steps: StepRun[], page: PageRequest = {}): Page<StepRun> {
  const size = page.limit ?? DEFAULT_STEP_PAGE;
  let start = 0;
  if (page.cursor) {
    const key = decodeCursor<{ step_index: number; id: number }>(page.cursor, ['step_index', 'id']);
    start = steps.findIndex(
      (step) => step.step_index > key.step_index || (step.step_index === key.step_index && step.id > key.id),
    );
    if (start < 0) start = steps.length;
  }
  const items = steps.slice(start, start + size);
  const last = items[items.length - 1];
  const more = start + size < steps.length;
  return { items, next_cursor: more && last ? encodeCursor({ step_index: last.step_index, id: last.id }) : null };
}
