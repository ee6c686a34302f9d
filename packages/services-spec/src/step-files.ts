import { readdir } from 'node:fs/promises';
import { NotFoundError, compareStepFilenames, extractStepChecks, isStepFilename } from '@tasksgodzilla/core';
import type { SpecStepType } from './spec.schemas.js';

// The step-file name grammar lives in core, shared with the shell engine's template reader.
export { PROTOCOL_DOC_FILES, isStepFilename } from '@tasksgodzilla/core';

/**
 * Step files of a protocol folder (not recursive), sorted by name in code-point order as the
 * original's `sorted()`. `includeSetup: false` drops `00-setup*` (decomposition skips it).
 */
export async function listStepFiles(protocolRoot: string, options: { includeSetup?: boolean } = {}): Promise<string[]> {
  const includeSetup = options.includeSetup ?? true;
  let entries;
  try {
    entries = await readdir(protocolRoot, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new NotFoundError(`Protocol folder not found: ${protocolRoot}`, { cause: error });
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile() && isStepFilename(entry.name))
    .map((entry) => entry.name)
    .filter((name) => includeSetup || !name.toLowerCase().startsWith('00-setup'))
    .sort(compareStepFilenames);
}

/**
 * The original's step-type inference from a step name: starts with `00-` or contains `setup` →
 * setup; contains `qa` (a plain substring, so "qatar" counts) → qa; else work.
 */
export function inferStepType(name: string): SpecStepType {
  const lower = name.toLowerCase();
  if (lower.startsWith('00-') || lower.includes('setup')) return 'setup';
  if (lower.includes('qa')) return 'qa';
  return 'work';
}

/** `01-build.md` → `01-build`: the file name without its last extension. */
export function stepStem(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/**
 * The agent id a step name stands for, as the policy runtime maps it: the text after the first
 * `-`, without the last extension (`02-review.md` → `review`). A name without `-` is its own id.
 */
export function agentIdFromStepName(name: string): string {
  const dash = name.indexOf('-');
  return stepStem(dash >= 0 ? name.slice(dash + 1) : name);
}

/**
 * QA checks declared in a step file, read with the one check grammar (core's `parseStepFile`):
 * each line of a ```` ```checks ```` fence, each ```` ```sh check ```` block, each sh/bash block
 * under a "Checks" heading. Commands run with bash; execution never runs them.
 */
export function extractChecks(markdown: string): string[] {
  return extractStepChecks(markdown);
}
