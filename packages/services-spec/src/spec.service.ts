import { systemClock } from '@tasksgodzilla/core';
import type { Clock, JsonObject } from '@tasksgodzilla/core';
import { codeMachineRoot, codeMachineTemplatePayload, loadCodeMachineConfig } from './codemachine.config.js';
import type { CodeMachineConfig, CodeMachineTemplatePayload } from './codemachine.config.js';
import { buildSpecFromCodeMachineConfig } from './codemachine.builder.js';
import type { BuildFromCodeMachineOptions } from './codemachine.builder.js';
import { auditSpec } from './spec.audit.js';
import type { AuditRunInput, AuditSpecOptions, SpecAuditResult } from './spec.audit.js';
import { buildSpecFromPlanningOutput, buildSpecFromProtocolFiles } from './spec.builders.js';
import type { BuildFromFilesOptions } from './spec.builders.js';
import { specHash } from './spec.hash.js';
import { findStepSpec, specMeta } from './spec.meta.js';
import type { SpecRoots } from './spec.paths.js';
import { PROTOCOL_SPEC_KEY, SPEC_META_KEY } from './spec.schemas.js';
import type { ProtocolSpec, SpecMeta, StepSpec } from './spec.schemas.js';
import { validateSpec } from './spec.validation.js';
import type { SpecValidationResult } from './spec.validation.js';
import { resolveStep } from './step-resolution.js';
import type { ResolveStepOptions, StepResolution } from './step-resolution.js';
import { stepRunsFromSpec } from './step-runs.js';
import type { StepRunDraft } from './step-runs.js';
import type { WriteProtocolFilesResult } from './protocol-files.js';

export interface SpecServiceDeps {
  clock?: Clock;
  /** Engine id given to steps built from protocol files (default `codex`, as the original). */
  defaultEngine?: string;
  /** When given, validation rejects engine ids that are not registered. */
  knownEngines?: readonly string[];
}

export interface PrepareSpecOptions extends SpecRoots {
  /** Step names that already have a StepRun (skipped in `step_runs`). */
  existingStepNames?: Iterable<string>;
}

/** Everything the orchestrator persists after building a spec. */
export interface PreparedSpec {
  spec: ProtocolSpec;
  spec_hash: string;
  validation: SpecValidationResult;
  spec_meta: SpecMeta;
  /** StepRuns to create; empty when the spec is invalid (the run then ends `blocked`). */
  step_runs: StepRunDraft[];
  /** `{protocol_spec, spec_meta}` to merge into template_config. */
  template_config_patch: JsonObject;
}

export interface PreparedPlanning extends PreparedSpec {
  files: WriteProtocolFilesResult;
}

export interface PreparedCodeMachineImport extends PreparedSpec {
  config: CodeMachineConfig;
  /** `{main_agents, sub_agents, modules, placeholders, template}`, also included in template_config_patch. */
  payload: CodeMachineTemplatePayload;
  /** The raw template.json object, for `protocol_runs.template_source`. */
  template_source: JsonObject;
  codemachine_root: string;
}

export interface SpecService {
  buildFromProtocolFiles(protocolRoot: string, options?: Partial<BuildFromFilesOptions>): Promise<ProtocolSpec>;
  loadCodeMachine(workspace: string): Promise<CodeMachineConfig>;
  buildFromCodeMachine(config: CodeMachineConfig, options?: BuildFromCodeMachineOptions): ProtocolSpec;
  validate(spec: unknown, roots: SpecRoots): SpecValidationResult;
  meta(result: SpecValidationResult | { status: 'missing'; errors: string[] }): SpecMeta;
  hash(spec: unknown): string;
  stepRuns(spec: ProtocolSpec, existingNames?: Iterable<string>): StepRunDraft[];
  getStepSpec(spec: ProtocolSpec | null | undefined, stepName: string): StepSpec | null;
  /** Validates a built spec and returns hash, meta, step runs and the template_config patch. */
  prepare(spec: ProtocolSpec, options: PrepareSpecOptions): PreparedSpec;
  /** Planning: writes the agent's files (sanitized), builds the spec from them, prepares it. */
  prepareFromPlanning(
    planning: unknown,
    options: PrepareSpecOptions & Partial<BuildFromFilesOptions>,
  ): Promise<PreparedPlanning>;
  /** Protocol folder already on disk (template or re-plan): builds and prepares a fresh spec. */
  prepareFromProtocolFiles(options: PrepareSpecOptions & Partial<BuildFromFilesOptions>): Promise<PreparedSpec>;
  /** CodeMachine import: loads the workspace, builds, validates against its `.codemachine` root. */
  prepareCodeMachineImport(
    workspace: string,
    options?: BuildFromCodeMachineOptions & { existingStepNames?: Iterable<string> },
  ): Promise<PreparedCodeMachineImport>;
  audit(run: AuditRunInput, options?: Omit<AuditSpecOptions, 'clock'>): Promise<SpecAuditResult>;
  resolveStep(
    step: StepSpec,
    options: Omit<ResolveStepOptions, 'defaultEngine'> & { defaultEngine?: string },
  ): Promise<StepResolution>;
}

/**
 * SpecService: builds, validates, hashes and audits protocol specs. It reads and writes protocol
 * folders but never touches the database or the queue; the orchestrator persists what it returns.
 */
export function createSpecService(deps: SpecServiceDeps = {}): SpecService {
  const clock = deps.clock ?? systemClock;
  const defaultEngine = deps.defaultEngine ?? 'codex';
  const fileOptions = (options: Partial<BuildFromFilesOptions> = {}): BuildFromFilesOptions => ({
    defaultEngine: options.defaultEngine ?? defaultEngine,
    defaultQaPolicy: options.defaultQaPolicy ?? 'full',
    defaultQaPrompt: options.defaultQaPrompt ?? null,
    defaultModel: options.defaultModel ?? null,
  });

  const prepare = (spec: ProtocolSpec, options: PrepareSpecOptions): PreparedSpec => {
    const validation = validateSpec(spec, {
      protocolRoot: options.protocolRoot,
      workspaceRoot: options.workspaceRoot,
      knownEngines: deps.knownEngines,
    });
    const meta = specMeta(validation, clock);
    return {
      spec,
      spec_hash: specHash(spec),
      validation,
      spec_meta: meta,
      step_runs:
        validation.status === 'valid' ? stepRunsFromSpec(spec, { existingNames: options.existingStepNames }) : [],
      template_config_patch: {
        [PROTOCOL_SPEC_KEY]: spec as JsonObject,
        [SPEC_META_KEY]: meta as unknown as JsonObject,
      },
    };
  };

  return {
    buildFromProtocolFiles: (protocolRoot, options) => buildSpecFromProtocolFiles(protocolRoot, fileOptions(options)),
    loadCodeMachine: (workspace) => loadCodeMachineConfig(workspace),
    buildFromCodeMachine: (config, options) => buildSpecFromCodeMachineConfig(config, options),
    validate: (spec, roots) => validateSpec(spec, { ...roots, knownEngines: deps.knownEngines }),
    meta: (result) => specMeta(result, clock),
    hash: (spec) => specHash(spec),
    stepRuns: (spec, existingNames) => stepRunsFromSpec(spec, { existingNames }),
    getStepSpec: (spec, stepName) => findStepSpec(spec, stepName),
    prepare,
    async prepareFromPlanning(planning, options) {
      const { spec, files } = await buildSpecFromPlanningOutput(options.protocolRoot, planning, fileOptions(options));
      return { ...prepare(spec, options), files };
    },
    async prepareFromProtocolFiles(options) {
      return prepare(await buildSpecFromProtocolFiles(options.protocolRoot, fileOptions(options)), options);
    },
    async prepareCodeMachineImport(workspace, options = {}) {
      const config = await loadCodeMachineConfig(workspace);
      const spec = buildSpecFromCodeMachineConfig(config, options);
      const payload = codeMachineTemplatePayload(config);
      const prepared = prepare(spec, {
        protocolRoot: config.root,
        workspaceRoot: workspace,
        existingStepNames: options.existingStepNames,
      });
      return {
        ...prepared,
        template_config_patch: { ...(payload as unknown as JsonObject), ...prepared.template_config_patch },
        config,
        payload,
        template_source: config.template,
        codemachine_root: codeMachineRoot(workspace),
      };
    },
    audit: (run, options = {}) => auditSpec(run, { defaultEngine, knownEngines: deps.knownEngines, ...options, clock }),
    resolveStep: (step, options) =>
      resolveStep(step, { ...options, defaultEngine: options.defaultEngine ?? defaultEngine }),
  };
}
