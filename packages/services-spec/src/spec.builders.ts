import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProtocolSpec, QaPolicy, StepSpec } from './spec.schemas.js';
import { writeProtocolFiles } from './protocol-files.js';
import type { WriteProtocolFilesResult } from './protocol-files.js';
import { extractChecks, inferStepType, listStepFiles, stepStem } from './step-files.js';

export interface BuildFromFilesOptions {
  /** Engine id of every step (the original used `codex`). */
  defaultEngine: string;
  /** QA policy of every step; the original's default for planned protocols is `full`. */
  defaultQaPolicy?: QaPolicy;
  /** QA prompt path of every step; null lets the QA service use its packaged template. */
  defaultQaPrompt?: string | null;
  /** Default model of every step (null: resolved at execution time). */
  defaultModel?: string | null;
}

/** Where a step's output goes when the spec declares none: never over the step file itself. */
export function defaultOutputRef(stepName: string): string {
  return `outputs/${stepStem(stepName)}.md`;
}

/**
 * One step per numbered Markdown file of the protocol folder (`00-setup.md` included), sorted by
 * name, as the original's `build_spec_from_protocol_files`, with two changes: `prompt_ref` is the
 * file name relative to the protocol root (the original stored absolute paths, which made specs
 * machine-specific), and `outputs.protocol` is `outputs/<stem>.md` instead of the step file (the
 * original's executions overwrote the step contract). `checks` are read with the one check grammar (see extractChecks).
 */
export async function buildSpecFromProtocolFiles(
  protocolRoot: string,
  options: BuildFromFilesOptions,
): Promise<ProtocolSpec> {
  const files = await listStepFiles(protocolRoot);
  const steps: StepSpec[] = [];
  for (const [index, filename] of files.entries()) {
    const content = await readFile(join(protocolRoot, filename), 'utf8');
    const checks = extractChecks(content);
    const step: StepSpec = {
      id: stepStem(filename),
      name: filename,
      engine_id: options.defaultEngine,
      model: options.defaultModel ?? null,
      prompt_ref: filename,
      outputs: { protocol: defaultOutputRef(filename) },
      step_type: inferStepType(filename),
      policies: [],
      qa: { policy: options.defaultQaPolicy ?? 'full', prompt: options.defaultQaPrompt ?? null },
      order: index,
    };
    if (checks.length > 0) step.checks = checks;
    steps.push(step);
  }
  return { steps };
}

export interface BuildFromPlanningResult {
  spec: ProtocolSpec;
  files: WriteProtocolFilesResult;
}

/** Writes a planning agent's answer into the protocol folder (sanitized), then builds the spec from it. */
export async function buildSpecFromPlanningOutput(
  protocolRoot: string,
  planning: unknown,
  options: BuildFromFilesOptions,
): Promise<BuildFromPlanningResult> {
  const files = await writeProtocolFiles(protocolRoot, planning);
  const spec = await buildSpecFromProtocolFiles(protocolRoot, options);
  return { spec, files };
}
