import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { NotFoundError, type StepRun } from '@tasksgodzilla/core';
import { fingerprintText } from '@tasksgodzilla/platform-git';
import type { StepSpec } from './spec.schemas.js';
import { resolveStepOutputs, resolveStepPrompt, type ResolvedStepOutputs } from './step-resolution.js';

/** The step's instruction file, its content and where its final message goes. */
export interface StepTarget {
  /** The spec entry, or one synthesized from the step run when the spec has none. */
  stepSpec: StepSpec;
  declared: boolean;
  /** Absolute path of the instruction file. */
  stepFile: string;
  stepFilename: string;
  content: string;
  /** Fingerprint of the instruction file (the original's exec prompt version). */
  version: string;
  outputs: ResolvedStepOutputs;
}

/** A spec entry for a step run the spec does not list: `<name>` or `<name>.md` in the protocol root. */
export function synthesizeStepSpec(step: Pick<StepRun, 'step_name'>, protocolRoot: string): StepSpec {
  const name = step.step_name;
  const ref =
    !existsSync(join(protocolRoot, name)) && existsSync(join(protocolRoot, `${name}.md`)) ? `${name}.md` : name;
  return { id: name, name, engine_id: null, prompt_ref: ref, qa: { policy: null } };
}

/**
 * Resolves the instruction file (services-spec's §10.4 rules) and the output paths: declared
 * outputs, else `<protocolRoot>/outputs/<stem>.md`, never the instruction file itself.
 * Throws NotFoundError when the file is missing, ValidationError when a path leaves the roots.
 */
export async function resolveStepTarget(
  step: Pick<StepRun, 'step_name'>,
  stepSpec: StepSpec | null,
  roots: { protocolRoot: string; workspaceRoot: string },
): Promise<StepTarget> {
  const spec = stepSpec ?? synthesizeStepSpec(step, roots.protocolRoot);
  const { path } = resolveStepPrompt(spec, roots);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new NotFoundError(`Step file not found for ${step.step_name}: ${path}`, {
      details: { step_name: step.step_name, path },
    });
  }
  const bytes = await readFile(path);
  return {
    stepSpec: spec,
    declared: stepSpec !== null,
    stepFile: path,
    stepFilename: basename(path),
    content: bytes.toString('utf8'),
    version: fingerprintText(bytes),
    outputs: resolveStepOutputs(spec, roots),
  };
}

/** A protocol document (plan.md, context.md, …); empty when absent. */
export async function readOptional(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}
