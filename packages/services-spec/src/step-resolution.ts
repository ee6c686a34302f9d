import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError, ValidationError } from '@tasksgodzilla/core';
import { fingerprintText } from '@tasksgodzilla/platform-git';
import { specHash } from './spec.hash.js';
import { isCodeMachineRoot, isInsideRoots, resolveOutputPath, resolveSpecPath } from './spec.paths.js';
import type { SpecRoots } from './spec.paths.js';
import type { ProtocolSpec, QaSpec, StepPolicy, StepSpec } from './spec.schemas.js';
import { stepStem } from './step-files.js';
import { stepNameOf } from './spec.validation.js';

export interface ResolvedStepPrompt {
  /** The spec's reference (`prompt_ref`, else `prompt`, else `file`). */
  ref: string;
  /** Absolute path, inside the protocol root or the workspace. */
  path: string;
}

export interface ResolvedStepOutputs {
  /** Where the engine's final message goes. */
  protocol: string;
  /** Named auxiliary outputs (the same text is written to each). */
  aux: Record<string, string>;
  /** The spec's `outputs` as declared (null when it declares none). */
  raw: StepSpec['outputs'] | null;
}

export interface StepResolution {
  step_name: string;
  engine_id: string;
  model: string | null;
  prompt_path: string;
  prompt_ref: string;
  prompt_text: string;
  /** Fingerprint of the prompt file (SHA-256, 12 hex). */
  prompt_version: string;
  outputs: ResolvedStepOutputs;
  qa: QaSpec;
  policies: StepPolicy[];
  checks: string[];
  spec_hash: string;
  agent_id: string | null;
  workdir: string;
  protocol_root: string;
}

function roots(r: SpecRoots): string[] {
  return [r.protocolRoot, r.workspaceRoot];
}

/**
 * The step's prompt file: `prompt_ref` → `prompt` → `file`, resolved against the protocol root then
 * the workspace. A ValidationError when the step has none or it leaves both folders.
 */
export function resolveStepPrompt(step: StepSpec, specRoots: SpecRoots): ResolvedStepPrompt {
  const loose = step as Record<string, unknown>;
  const ref = [step.prompt_ref, loose.prompt, loose.file].find(
    (value): value is string => typeof value === 'string' && value !== '',
  );
  if (ref === undefined) {
    throw new ValidationError('StepSpec is missing prompt_ref/prompt/file', [
      { path: ['prompt_ref'], message: 'required' },
    ]);
  }
  const path = resolveSpecPath(ref, specRoots);
  if (!isInsideRoots(path, roots(specRoots))) {
    throw new ValidationError(`prompt_ref escapes the protocol root and workspace: ${ref}`, [
      { path: ['prompt_ref'], message: 'path leaves the protocol root and the workspace' },
    ]);
  }
  return { ref, path };
}

/**
 * Output paths of a step. Declared ones resolve as the original (protocol root first, workspace
 * first for `.codemachine` roots, first candidate whose parent exists). When the spec declares no
 * protocol output, it defaults to `<protocolRoot>/outputs/<step stem>.md`: never the step's own
 * instruction file (the original defaulted to it and overwrote the step contract). A ValidationError
 * when any output leaves both folders or equals the instruction file.
 */
export function resolveStepOutputs(step: StepSpec, specRoots: SpecRoots): ResolvedStepOutputs {
  const preferWorkspace = isCodeMachineRoot(specRoots.protocolRoot);
  const name = stepNameOf(step);
  const promptPath = resolveStepPrompt(step, specRoots).path;
  const check = (field: (string | number)[], path: string) => {
    if (!isInsideRoots(path, roots(specRoots))) {
      throw new ValidationError(`${field.join('.')} escapes the protocol root and workspace: ${path}`, [
        { path: field, message: 'path leaves the protocol root and the workspace' },
      ]);
    }
    if (path === promptPath) {
      throw new ValidationError(`${field.join('.')} would overwrite the step's instruction file: ${path}`, [
        { path: field, message: 'equals the step file' },
      ]);
    }
    return path;
  };
  const declared = step.outputs?.protocol;
  const protocol = check(
    ['outputs', 'protocol'],
    declared
      ? resolveOutputPath(declared, specRoots, { preferWorkspace })
      : join(specRoots.protocolRoot, 'outputs', `${stepStem(name)}.md`),
  );
  const aux: Record<string, string> = {};
  for (const [key, value] of Object.entries(step.outputs?.aux ?? {})) {
    aux[key] = check(['outputs', 'aux', key], resolveOutputPath(value, specRoots, { preferWorkspace }));
  }
  return { protocol, aux, raw: step.outputs ?? null };
}

export interface ResolveStepOptions extends SpecRoots {
  /** The protocol spec the step belongs to (for `spec_hash`). */
  spec?: ProtocolSpec | null;
  /** Engine when the step names none. */
  defaultEngine: string;
  /** Model when the step names none. */
  defaultModel?: string | null;
}

/**
 * The original's `resolve_prompt_and_outputs`: engine, model, prompt (read and fingerprinted),
 * outputs, QA config, policies, checks and the spec hash of one step. A NotFoundError when the
 * prompt file does not exist (the original went on with an empty prompt).
 */
export async function resolveStep(step: StepSpec, options: ResolveStepOptions): Promise<StepResolution> {
  const prompt = resolveStepPrompt(step, options);
  let bytes: Buffer;
  try {
    bytes = await readFile(prompt.path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new NotFoundError(`Step prompt file not found: ${prompt.path}`, { cause: error });
    throw error;
  }
  const loose = step as Record<string, unknown>;
  const agentId =
    [loose.agent_id, loose.agent].find((value): value is string => typeof value === 'string' && value !== '') ?? null;
  return {
    step_name: stepNameOf(step),
    engine_id: step.engine_id ?? options.defaultEngine,
    model: step.model ?? options.defaultModel ?? null,
    prompt_path: prompt.path,
    prompt_ref: prompt.ref,
    prompt_text: bytes.toString('utf8'),
    prompt_version: fingerprintText(bytes),
    outputs: resolveStepOutputs(step, options),
    qa: step.qa,
    policies: step.policies ?? [],
    checks: step.checks ?? [],
    spec_hash: specHash(options.spec ?? null),
    agent_id: agentId,
    workdir: options.workspaceRoot,
    protocol_root: options.protocolRoot,
  };
}
