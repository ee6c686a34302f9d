// The benchmark's own job type (a no-op), registered the way a product registers its types.
import { z } from 'zod';
import { createJobTypeRegistry, defineJobType } from '@tasksgodzilla/platform-queue';

export const NOOP = 'bench_noop';

export function benchJobTypes() {
  return createJobTypeRegistry().register(NOOP, defineJobType({ payload: z.object({ i: z.number() }) }));
}
