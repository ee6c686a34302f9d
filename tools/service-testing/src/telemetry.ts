import { Writable } from 'node:stream';
import type { Event } from '@tasksgodzilla/core';
import {
  createLogger,
  createMetrics,
  createTelemetryService,
  type Metrics,
  type TelemetryService,
} from '@tasksgodzilla/platform-telemetry';
import { TEST_TIME } from './time.js';

export interface TestTelemetry {
  telemetry: TelemetryService;
  events: Event[];
  metrics: Metrics;
}

/** A real TelemetryService over an in-memory event list, logging to nowhere. */
export function createTestTelemetry(): TestTelemetry {
  const events: Event[] = [];
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const metrics = createMetrics();
  const telemetry = createTelemetryService({
    events: {
      append: async (input) => {
        const event: Event = {
          id: events.length + 1,
          project_id: input.project_id,
          protocol_run_id: input.protocol_run_id ?? null,
          step_run_id: input.step_run_id ?? null,
          event_type: input.event_type,
          message: input.message,
          metadata: input.metadata ?? null,
          created_at: TEST_TIME,
        };
        events.push(event);
        return event;
      },
    },
    logger: createLogger({ destination: sink }),
    metrics,
  });
  return { telemetry, events, metrics };
}
