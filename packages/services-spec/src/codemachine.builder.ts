import type { JsonObject } from '@tasksgodzilla/core';
import type { CodeMachineAgent, CodeMachineConfig, CodeMachineModule } from './codemachine.config.js';
import { modulePolicy } from './codemachine.config.js';
import type { ProtocolSpec, QaPolicy, StepSpec } from './spec.schemas.js';
import { inferStepType } from './step-files.js';

export interface BuildFromCodeMachineOptions {
  /** QA policy of every step; CodeMachine imports default to `skip` as the original. */
  qaPolicy?: QaPolicy;
  qaPrompt?: string | null;
}

/**
 * The original's placeholder substitution on a path: a first `/` segment equal to a key is replaced
 * by its value, then `{{KEY}}`, `<KEY>`, `${KEY}` and `$KEY` are replaced for every key.
 */
export function substitutePlaceholders(path: string, placeholders: Record<string, unknown>): string {
  const entries = Object.entries(placeholders).filter(
    ([, value]) => value !== null && value !== undefined && typeof value !== 'object',
  );
  let result = path;
  const [first, ...rest] = result.split('/');
  const firstEntry = entries.find(([key]) => key === first);
  if (firstEntry) result = [String(firstEntry[1]), ...rest].join('/');
  for (const [key, value] of entries) {
    const text = String(value);
    for (const token of [`{{${key}}}`, `<${key}>`, `\${${key}}`, `$${key}`]) result = result.split(token).join(text);
  }
  return result;
}

function referencedModuleIds(agent: CodeMachineAgent): Set<string> {
  const ids = new Set<string>();
  for (const key of ['moduleId', 'module_id', 'module']) {
    const value = agent.raw[key];
    for (const item of Array.isArray(value) ? value : [value]) if (typeof item === 'string') ids.add(item);
  }
  return ids;
}

/**
 * Which modules become an agent's policies. Attached: modules the agent names (`moduleId`,
 * `module_id`, `module`); loop modules whose target agent is this agent; trigger modules whose
 * target agent is this agent and whose trigger agent is another one. The original also attached a
 * trigger module to the agent it triggers, so that step triggered itself; that rule is dropped.
 */
export function modulesForAgent(agent: CodeMachineAgent, modules: readonly CodeMachineModule[]): CodeMachineModule[] {
  const named = referencedModuleIds(agent);
  return modules.filter((module) => {
    if (named.has(module.module_id)) return true;
    if (module.target_agent_id !== agent.id) return false;
    if (module.behavior !== 'trigger') return true;
    return module.trigger_agent_id !== null && module.trigger_agent_id !== agent.id;
  });
}

/**
 * One step per main agent, as the original's `build_spec_from_codemachine_config`: name
 * `NN-<agent id>`, prompt_ref = the agent's prompt path with placeholders substituted (the original
 * left them in, so such specs never validated), aux output `outputs/<agent id>.md`, QA `skip` by
 * default. The spec carries the workspace's placeholders and template.
 */
export function buildSpecFromCodeMachineConfig(
  config: CodeMachineConfig,
  options: BuildFromCodeMachineOptions = {},
): ProtocolSpec {
  const steps = config.main_agents.map((agent, index): StepSpec => {
    const name = `${String(index).padStart(2, '0')}-${agent.id}`;
    return {
      id: agent.id,
      name,
      agent_id: agent.id,
      description: agent.description,
      engine_id: agent.engine_id,
      model: agent.model,
      prompt_ref: substitutePlaceholders(agent.prompt_path, config.placeholders),
      outputs: { aux: { codemachine: `outputs/${agent.id}.md` } },
      step_type: inferStepType(name),
      policies: modulesForAgent(agent, config.modules).map(modulePolicy),
      qa: { policy: options.qaPolicy ?? 'skip', prompt: options.qaPrompt ?? null },
      order: index,
    };
  });
  return { steps, placeholders: config.placeholders as JsonObject, template: config.template };
}
