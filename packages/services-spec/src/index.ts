export {
  PROTOCOL_SPEC_KEY,
  PlanningOutputSchema,
  ProtocolSpecSchema,
  QA_POLICIES,
  QaSpecSchema,
  SPEC_META_KEY,
  STEP_TYPES,
  StepOutputsSchema,
  StepPolicySchema,
  StepSpecSchema,
} from './spec.schemas.js';
export type {
  PlanningOutput,
  ProtocolSpec,
  QaPolicy,
  QaSpec,
  SpecMeta,
  SpecStepType,
  StepOutputs,
  StepPolicy,
  StepSpec,
} from './spec.schemas.js';
export { canonicalJson, pythonFloatRepr, specHash } from './spec.hash.js';
export {
  PROTOCOL_DOC_FILES,
  agentIdFromStepName,
  extractChecks,
  inferStepType,
  isStepFilename,
  listStepFiles,
  stepStem,
} from './step-files.js';
export { parsePlanningOutput, writeProtocolFiles } from './protocol-files.js';
export type { WriteProtocolFilesResult, WrittenStepFile } from './protocol-files.js';
export { buildSpecFromPlanningOutput, buildSpecFromProtocolFiles, defaultOutputRef } from './spec.builders.js';
export type { BuildFromFilesOptions, BuildFromPlanningResult } from './spec.builders.js';
export { parseConfigContent, stripJsWrapper } from './codemachine.parse.js';
export {
  codeMachineRoot,
  codeMachineTemplatePayload,
  loadCodeMachineConfig,
  modulePolicy,
  normalizeAgents,
  normalizeModules,
} from './codemachine.config.js';
export type {
  CodeMachineAgent,
  CodeMachineConfig,
  CodeMachineModule,
  CodeMachineTemplatePayload,
} from './codemachine.config.js';
export { buildSpecFromCodeMachineConfig, modulesForAgent, substitutePlaceholders } from './codemachine.builder.js';
export type { BuildFromCodeMachineOptions } from './codemachine.builder.js';
export { isCodeMachineRoot, isInsideRoots, resolveOutputPath, resolveSpecPath } from './spec.paths.js';
export type { SpecRoots } from './spec.paths.js';
export { agentIdsOf, stepNameOf, validateSpec } from './spec.validation.js';
export type { SpecValidationResult, ValidateSpecOptions } from './spec.validation.js';
export { stepRunsFromSpec } from './step-runs.js';
export type { StepRunDraft } from './step-runs.js';
export { effectiveQaPolicy, findStepSpec, rawSpecOf, specFromTemplateConfig, specMeta } from './spec.meta.js';
export { auditSpec, isCodeMachineRun } from './spec.audit.js';
export type { AuditProjectInput, AuditRunInput, AuditSpecOptions, SpecAuditResult } from './spec.audit.js';
export { resolveStep, resolveStepOutputs, resolveStepPrompt } from './step-resolution.js';
export type { ResolveStepOptions, ResolvedStepOutputs, ResolvedStepPrompt, StepResolution } from './step-resolution.js';
export { createSpecService } from './spec.service.js';
export type {
  PrepareSpecOptions,
  PreparedCodeMachineImport,
  PreparedPlanning,
  PreparedSpec,
  SpecService,
  SpecServiceDeps,
} from './spec.service.js';
export { readOptional, resolveStepTarget, synthesizeStepSpec } from './step-target.js';
export type { StepTarget } from './step-target.js';
