import { chmodSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Event } from '@tasksgodzilla/core';
import { createLogger, createMetrics, createTelemetryService, type Metrics, type TelemetryService } from '@tasksgodzilla/platform-telemetry';
import type { DecompositionConfig } from '../src/index.js';

export const FAKE_ENGINES_DIR = fileURLToPath(new URL('../../../tools/fake-engines/', import.meta.url));

const T0 = '2026-11-27T17:00:00.000Z';

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
          created_at: T0,
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

export function testConfig(overrides: Partial<DecompositionConfig> = {}): DecompositionConfig {
  return { decomposeModel: undefined, skipSimpleDecompose: false, engineTimeoutSeconds: 20, engineStallTimeoutSeconds: 10, ...overrides };
}

/**
 * An executable that runs a fake engine CLI of tools/fake-engines with the given env (fixture,
 * argv recording), so an engine adapter can be pointed at it as its binary.
 */
export function fakeEngineBinary(dir: string, engine: 'codex' | 'claude' | 'opencode', env: Record<string, string>): string {
  const path = join(dir, `fake-${engine}-${Object.keys(env).length}-${Math.random().toString(36).slice(2, 8)}.sh`);
  const exports = Object.entries(env)
    .map(([key, value]) => `export ${key}='${value.replace(/'/g, `'\\''`)}'`)
    .join('\n');
  writeFileSync(path, `#!/bin/sh\n${exports}\nexec '${process.execPath}' '${join(FAKE_ENGINES_DIR, `fake-${engine}.mjs`)}' "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A JSONL fixture written to a file (played by a fake engine through FAKE_ENGINE_FIXTURE). */
export function writeFixture(dir: string, name: string, records: unknown[]): string {
  const path = join(dir, `${name}.jsonl`);
  writeFileSync(path, `${records.map((record) => (typeof record === 'string' ? record : JSON.stringify(record))).join('\n')}\n`);
  return path;
}
