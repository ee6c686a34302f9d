import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { protocolSpecSchema } from './spec.schemas.js';
import { isCodeMachineRoot, isInsideRoots, resolveOutputPath, resolveSpecPath } from './spec.paths.js';
import type { SpecRoots } from './spec.paths.js';
import { agentIdFromStepName } from './step-files.js';

/** The original's message format: `schema:<slash-joined path or (root)>: <message>`. */
function formatSchemaErrors(error: z.ZodError): string[] {
  return error.issues.map(
    (issue) => `schema:${issue.path.length > 0 ? issue.path.map(String).join('/') : '(root)'}: ${issue.message}`,
  );
}

export interface SpecValidationResult {
  status: 'valid' | 'invalid';
  errors: string[];
}

export interface ValidateSpecOptions extends SpecRoots {
  /** When given, engine ids (step and QA) must be one of these. */
  knownEngines?: readonly string[];
}

type Loose = Record<string, unknown>;

function isRecord(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A step's StepRun name: `name`, falling back to `id`. */
export function stepNameOf(step: Loose, index?: number): string {
  return (
    str(step.name) ?? str(step.id) ?? (index === undefined ? '(unknown)' : `${String(index).padStart(2, '0')}-step`)
  );
}

/** The agent ids a step answers to in policies: its id, agent id and the id derived from its name. */
export function agentIdsOf(step: Loose): string[] {
  const ids = [str(step.id), str(step.agent_id), str(step.agent)];
  const name = str(step.name);
  if (name) ids.push(agentIdFromStepName(name));
  return ids.filter((id): id is string => id !== undefined);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Validates a spec against its schema and its folders, returning every problem (never throwing):
 * schema errors as `schema:<path>: <message>`, duplicate step names/ids/orders, prompt/QA prompt/
 * output paths that escape both the protocol root and the workspace, missing prompt files, outputs
 * that would overwrite the step's own instruction file, unknown engines (when `knownEngines` is
 * given), and depends_on/policy references to unknown steps or agents. Per-step errors are prefixed
 * with the step name. Output parent folders need not exist (they are created when written; the
 * original failed CodeMachine imports without an `outputs/` folder).
 */
export function validateSpec(spec: unknown, options: ValidateSpecOptions): SpecValidationResult {
  const errors = collectErrors(spec, options);
  return { status: errors.length === 0 ? 'valid' : 'invalid', errors };
}

function collectErrors(spec: unknown, options: ValidateSpecOptions): string[] {
  if (!isRecord(spec) || Object.keys(spec).length === 0) return ['protocol spec missing or malformed'];
  const errors: string[] = [];
  const parsed = protocolSpecSchema().safeParse(spec);
  if (!parsed.success) errors.push(...formatSchemaErrors(parsed.error));
  if (!Array.isArray(spec.steps)) {
    errors.push('protocol spec steps must be a list');
    return errors;
  }
  const steps = spec.steps.map((step, index) => ({ step: isRecord(step) ? step : null, index }));
  const records = steps.filter((entry): entry is { step: Loose; index: number } => entry.step !== null);
  errors.push(...duplicateErrors(records));

  const stepNames = new Set<string>();
  const agentIds = new Set<string>();
  for (const { step, index } of records) {
    stepNames.add(stepNameOf(step, index));
    if (str(step.id)) stepNames.add(step.id as string);
    for (const id of agentIdsOf(step)) agentIds.add(id);
  }
  const roots = [options.protocolRoot, options.workspaceRoot];
  const preferWorkspace = isCodeMachineRoot(options.protocolRoot);

  for (const { step, index } of records) {
    const label = stepNameOf(step, index);
    const add = (message: string) => errors.push(`${label}: ${message}`);

    const ref = str(step.prompt_ref) ?? str(step.prompt) ?? str(step.file);
    let promptPath: string | undefined;
    if (ref === undefined) {
      const fallback = join(options.protocolRoot, str(step.name) ?? str(step.id) ?? '(unknown)');
      if (!existsSync(fallback)) add(`prompt_ref missing: ${fallback}`);
    } else {
      promptPath = resolveSpecPath(ref, options);
      if (!isInsideRoots(promptPath, roots)) add(`prompt_ref escapes the protocol root and workspace: ${ref}`);
      else if (!existsSync(promptPath)) add(`prompt_ref missing: ${promptPath}`);
      else if (!isFile(promptPath)) add(`prompt_ref is not a file: ${promptPath}`);
    }

    if (isRecord(step.outputs)) {
      const declared: [string, unknown][] = [['outputs.protocol', step.outputs.protocol]];
      if (isRecord(step.outputs.aux))
        for (const [key, value] of Object.entries(step.outputs.aux)) declared.push([`outputs.aux.${key}`, value]);
      for (const [field, value] of declared) {
        if (typeof value !== 'string' || value === '') continue;
        const target = resolveOutputPath(value, options, { preferWorkspace });
        if (!isInsideRoots(target, roots)) add(`${field} escapes the protocol root and workspace: ${value}`);
        else if (promptPath !== undefined && target === promptPath)
          add(`${field} would overwrite the step's instruction file: ${target}`);
      }
    }

    if (isRecord(step.qa) && str(step.qa.prompt)) {
      const qaRef = step.qa.prompt as string;
      const qaPath = resolveSpecPath(qaRef, options);
      if (!isInsideRoots(qaPath, roots)) add(`qa.prompt escapes the protocol root and workspace: ${qaRef}`);
      else if (!isFile(qaPath)) add(`qa.prompt missing: ${qaPath}`);
    }

    if (options.knownEngines) {
      const engines: [string, unknown][] = [['engine_id', step.engine_id]];
      if (isRecord(step.qa)) engines.push(['qa.engine_id', step.qa.engine_id]);
      for (const [field, value] of engines) {
        if (typeof value === 'string' && !options.knownEngines.includes(value))
          add(`${field} names an unknown engine: ${value}`);
      }
    }

    if (Array.isArray(step.depends_on)) {
      for (const dependency of step.depends_on) {
        if (typeof dependency !== 'string') continue;
        if (dependency === label || dependency === step.id) add(`depends_on references the step itself: ${dependency}`);
        else if (!stepNames.has(dependency)) add(`depends_on references an unknown step: ${dependency}`);
      }
    }

    if (Array.isArray(step.policies)) {
      step.policies.forEach((policy, policyIndex) => {
        if (!isRecord(policy)) return;
        const module = str(policy.module_id) ?? str(policy.id) ?? `#${policyIndex}`;
        const behavior = typeof policy.behavior === 'string' ? policy.behavior.toLowerCase() : '';
        if (behavior === 'trigger') {
          const target = str(policy.trigger_agent_id) ?? str(policy.target_agent_id) ?? str(policy.targetAgentId);
          if (target !== undefined && !agentIds.has(target) && !stepNames.has(target))
            add(`policy ${module} triggers an unknown agent: ${target}`);
        } else if (behavior === 'loop') {
          const target = str(policy.target_agent_id);
          if (target !== undefined && !agentIds.has(target) && !stepNames.has(target))
            add(`policy ${module} targets an unknown agent: ${target}`);
        }
        if (Array.isArray(policy.skip_steps)) {
          for (const skip of policy.skip_steps) {
            if (typeof skip === 'number' && (!Number.isInteger(skip) || skip < 0 || skip >= records.length)) {
              add(`policy ${module} skips a step index out of range: ${skip}`);
            }
          }
        }
      });
    }
  }
  return errors;
}

function duplicateErrors(records: { step: Loose; index: number }[]): string[] {
  const errors: string[] = [];
  const check = (kind: string, key: (entry: { step: Loose; index: number }) => string | number | undefined) => {
    const seen = new Set<string | number>();
    const reported = new Set<string | number>();
    for (const entry of records) {
      const value = key(entry);
      if (value === undefined) continue;
      if (seen.has(value) && !reported.has(value)) {
        errors.push(`duplicate step ${kind}: ${value}`);
        reported.add(value);
      }
      seen.add(value);
    }
  };
  check('name', ({ step, index }) => stepNameOf(step, index));
  check('id', ({ step }) => str(step.id));
  check('order', ({ step }) => (typeof step.order === 'number' ? step.order : undefined));
  return errors;
}
