import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { errorMessage, systemClock } from '@tasksgodzilla/core';
import type { Clock, JsonObject } from '@tasksgodzilla/core';
import { codeMachineTemplatePayload, loadCodeMachineConfig } from './codemachine.config.js';
import { buildSpecFromCodeMachineConfig } from './codemachine.builder.js';
import { buildSpecFromProtocolFiles } from './spec.builders.js';
import { specHash } from './spec.hash.js';
import { rawSpecOf, specMeta } from './spec.meta.js';
import { PROTOCOL_SPEC_KEY, SPEC_META_KEY } from './spec.schemas.js';
import type { SpecMeta } from './spec.schemas.js';
import { validateSpec } from './spec.validation.js';
import { listStepFiles } from './step-files.js';

/** The fields of a protocol run the audit reads. */
export interface AuditRunInput {
  id?: number;
  project_id?: number;
  protocol_name: string;
  template_config: JsonObject | null;
  protocol_root: string | null;
  worktree_path: string | null;
}

export interface AuditProjectInput {
  id?: number;
  name?: string;
  local_path?: string | null;
}

export interface AuditSpecOptions {
  /** Build and return a spec when the run has none (the orchestrator persists it). */
  backfillMissing?: boolean;
  project?: AuditProjectInput | null;
  clock?: Clock;
  /** Engine id of steps built from protocol files during backfill. */
  defaultEngine?: string;
  knownEngines?: readonly string[];
}

export interface SpecAuditResult {
  protocol_run_id: number | null;
  protocol_name: string;
  project_id: number | null;
  project_name: string | null;
  /** Hash of the (possibly backfilled) spec; a missing spec hashes `{}`. */
  spec_hash: string;
  status: SpecMeta['status'];
  errors: string[];
  backfilled: boolean;
  workspace: string | null;
  protocol_root: string | null;
  is_codemachine: boolean;
  /** Numbered step files in the protocol folder that no spec step points at (the spec is stale). */
  unlisted_step_files: string[];
  spec_meta: SpecMeta;
  /** Keys to merge into template_config: always `spec_meta`; `protocol_spec` (and the CodeMachine payload) when backfilled. */
  template_config_patch: JsonObject;
}

/** A run counts as CodeMachine when it has main agents or its protocol root has a `.codemachine` segment. */
export function isCodeMachineRun(run: Pick<AuditRunInput, 'template_config' | 'protocol_root'>): boolean {
  const agents = run.template_config?.main_agents;
  if (Array.isArray(agents) && agents.length > 0) return true;
  return (run.protocol_root ?? '').split(/[/\\]/).includes('.codemachine');
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Folder a CodeMachine run's spec paths are relative to. */
function codeMachineBase(protocolRoot: string | null, workspace: string): string {
  if (protocolRoot && basename(resolve(protocolRoot)) === '.codemachine') return protocolRoot;
  const nested = join(workspace, '.codemachine');
  return isDirectory(nested) ? nested : workspace;
}

/**
 * The original's `audit_protocol_run_spec`, without persistence: works out the run's folders,
 * backfills a missing spec when asked (CodeMachine config, else protocol files), validates, and
 * returns what the orchestrator should store (`template_config_patch`) and report (the
 * `spec_audit` event metadata). Never creates StepRuns; never throws for a broken run.
 */
export async function auditSpec(run: AuditRunInput, options: AuditSpecOptions = {}): Promise<SpecAuditResult> {
  const clock = options.clock ?? systemClock;
  const workspace = run.worktree_path ?? options.project?.local_path ?? null;
  const protocolRoot = run.protocol_root ?? (workspace ? join(workspace, '.protocols', run.protocol_name) : null);
  const codeMachine = isCodeMachineRun(run);
  const templateConfig = run.template_config ?? {};
  const errors: string[] = [];
  const patch: JsonObject = {};
  let spec: JsonObject | null = rawSpecOf(templateConfig);
  let backfilled = false;

  if (!spec && options.backfillMissing) {
    try {
      if (codeMachine) {
        if (!workspace) throw new Error('workspace unknown');
        const config = await loadCodeMachineConfig(workspace);
        const built = buildSpecFromCodeMachineConfig(config) as JsonObject;
        // The payload fills only keys the run does not have yet.
        for (const [key, value] of Object.entries(codeMachineTemplatePayload(config))) {
          if (!(key in templateConfig)) patch[key] = value as JsonObject;
        }
        spec = built;
      } else if (protocolRoot && isDirectory(protocolRoot)) {
        spec = (await buildSpecFromProtocolFiles(protocolRoot, {
          defaultEngine: options.defaultEngine ?? 'codex',
          defaultQaPolicy: 'full',
        })) as JsonObject;
      } else {
        errors.push(`protocol_root missing: ${protocolRoot ?? '(unknown)'}`);
      }
      if (spec) {
        patch[PROTOCOL_SPEC_KEY] = spec;
        backfilled = true;
      }
    } catch (error) {
      errors.push(`backfill failed: ${errorMessage(error)}`);
    }
  }

  let status: SpecMeta['status'];
  if (!spec) {
    errors.push('protocol spec missing');
    status = 'missing';
  } else if (!workspace || !protocolRoot) {
    errors.push('workspace unknown: the run has no worktree_path and the project no local_path');
    status = 'invalid';
  } else {
    const base = codeMachine ? codeMachineBase(run.protocol_root, workspace) : protocolRoot;
    const result = validateSpec(spec, {
      protocolRoot: base,
      workspaceRoot: workspace,
      knownEngines: options.knownEngines,
    });
    errors.push(...result.errors);
    status = errors.length === 0 ? 'valid' : 'invalid';
  }

  const unlisted =
    spec && !codeMachine && protocolRoot && isDirectory(protocolRoot)
      ? await unlistedStepFiles(spec, protocolRoot)
      : [];
  const meta = specMeta({ status, errors }, clock);
  patch[SPEC_META_KEY] = meta as unknown as JsonObject;
  return {
    protocol_run_id: run.id ?? null,
    protocol_name: run.protocol_name,
    project_id: run.project_id ?? options.project?.id ?? null,
    project_name: options.project?.name ?? null,
    spec_hash: specHash(spec),
    status,
    errors,
    backfilled,
    workspace,
    protocol_root: protocolRoot,
    is_codemachine: codeMachine,
    unlisted_step_files: unlisted,
    spec_meta: meta,
    template_config_patch: patch,
  };
}

async function unlistedStepFiles(spec: JsonObject, protocolRoot: string): Promise<string[]> {
  const steps = Array.isArray(spec.steps) ? spec.steps : [];
  const referenced = new Set<string>();
  for (const step of steps) {
    if (typeof step !== 'object' || step === null || Array.isArray(step)) continue;
    for (const key of ['name', 'prompt_ref']) {
      const value = step[key];
      if (typeof value !== 'string') continue;
      const absolute = resolve(protocolRoot, value);
      if (
        absolute.startsWith(resolve(protocolRoot) + sep) &&
        !absolute.slice(resolve(protocolRoot).length + 1).includes(sep)
      ) {
        referenced.add(basename(absolute));
      }
    }
  }
  const files = existsSync(protocolRoot) ? await listStepFiles(protocolRoot) : [];
  return files.filter((file) => !referenced.has(file));
}
