import { fileURLToPath } from 'node:url';
import type { JsonObject } from '@tasksgodzilla/core';

/** The protocol template fixture (plan.md, context.md, log.md, 00-setup.md, 01-build.md, 02-docs.md). */
export const DEMO_TEMPLATE = fileURLToPath(new URL('../fixtures/templates/demo', import.meta.url));
/** A CodeMachine workspace (.codemachine with a build and a docs agent). */
export const CODEMACHINE_WORKSPACE = fileURLToPath(new URL('../fixtures/codemachine/workspace', import.meta.url));

/** The step files of the demo template, in order. */
export const DEMO_STEP_NAMES = ['00-setup.md', '01-build.md', '02-docs.md'] as const;

export interface DemoStepOverride {
  qa?: 'skip' | 'light' | 'full';
  policies?: JsonObject[];
}

/** A caller spec over the demo template's files on the shell engine, QA `full` unless overridden (planning honours it). */
export function demoSpec(overrides: Record<string, DemoStepOverride> = {}): JsonObject {
  return {
    steps: DEMO_STEP_NAMES.map((name, order) => ({
      id: name.replace(/\.md$/, ''),
      name,
      engine_id: 'shell',
      prompt_ref: name,
      order,
      qa: { policy: overrides[name]?.qa ?? 'full' },
      policies: overrides[name]?.policies ?? [],
    })),
  };
}
