import type { CodeMachineAgent, CodeMachineModule } from './codemachine.config.js';
import type { PlanningOutput, StepSpec } from './spec.schemas.js';

/** The fields of a normalized CodeMachine agent but `raw`: defaults for an agent `<id>` with only an id. */
export function agentFields(
  id: string,
  fields: Partial<Omit<CodeMachineAgent, 'raw'>> = {},
): Omit<CodeMachineAgent, 'raw'> {
  return {
    id,
    name: null,
    description: null,
    prompt_path: `${id}.md`,
    mirror_path: null,
    engine_id: null,
    model: null,
    ...fields,
  };
}

/** The fields of a normalized CodeMachine module but `raw`: defaults for a bare `loop` module `m`. */
export function moduleFields(fields: Partial<Omit<CodeMachineModule, 'raw'>> = {}): Omit<CodeMachineModule, 'raw'> {
  return {
    module_id: 'm',
    behavior: 'loop',
    action: null,
    max_iterations: null,
    step_back: null,
    skip_steps: [],
    trigger_agent_id: null,
    target_agent_id: null,
    condition: null,
    conditions: null,
    ...fields,
  };
}

/** The step spec built from protocol file `file` (e.g. `01-build.md`): a `work` step on shell, full QA. */
export function fileStepSpec(file: string, order: number, fields: Partial<StepSpec> = {}): StepSpec {
  const id = file.replace(/\.md$/, '');
  return {
    id,
    name: file,
    engine_id: 'shell',
    model: null,
    prompt_ref: file,
    outputs: { protocol: `outputs/${id}.md` },
    step_type: 'work',
    policies: [],
    qa: { policy: 'full', prompt: null },
    order,
    ...fields,
  };
}

/** A planning answer with the given step files and short plan/context documents. */
export function planningOutput(
  stepFiles: PlanningOutput['step_files'],
  docs: Partial<Omit<PlanningOutput, 'step_files'>> = {},
): PlanningOutput {
  return { plan_md: '# Plan\n', context_md: 'Context\n', log_md: '', ...docs, step_files: stepFiles };
}

/** The keys an audit's or import's `template_config_patch` holds for a CodeMachine run. */
export const CODEMACHINE_PATCH_KEYS = [
  'main_agents',
  'modules',
  'placeholders',
  'protocol_spec',
  'spec_meta',
  'sub_agents',
];
