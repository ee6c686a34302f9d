import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@tasksgodzilla/core';
import type { JsonObject, JsonValue } from '@tasksgodzilla/core';
import { parseConfigContent } from './codemachine.parse.js';

/** A main or sub agent of a CodeMachine workspace, normalized. */
export interface CodeMachineAgent {
  id: string;
  name: string | null;
  description: string | null;
  prompt_path: string;
  mirror_path: string | null;
  engine_id: string | null;
  model: string | null;
  /** The entry as written in the config file. */
  raw: Record<string, unknown>;
}

/** A module (loop/trigger policy) of a CodeMachine workspace, normalized. */
export interface CodeMachineModule {
  module_id: string;
  /** The behavior type, lowercased (`loop`, `trigger`, or `unknown`). */
  behavior: string;
  action: JsonValue | null;
  max_iterations: number | null;
  step_back: number | null;
  skip_steps: number[];
  trigger_agent_id: string | null;
  target_agent_id: string | null;
  condition: JsonValue | null;
  conditions: JsonValue[] | null;
  raw: Record<string, unknown>;
}

export interface CodeMachineConfig {
  /** The folder holding `config/`, `template.json`, `inputs/`: `<workspace>/.codemachine` or the workspace itself. */
  root: string;
  workspace: string;
  main_agents: CodeMachineAgent[];
  sub_agents: CodeMachineAgent[];
  modules: CodeMachineModule[];
  placeholders: JsonObject;
  template: JsonObject;
  /** Text of `inputs/specifications.md`, appended to every agent prompt; null when absent. */
  specifications: string | null;
}

/** `template_config` keys a CodeMachine import stores (agents and modules without `raw`). */
export interface CodeMachineTemplatePayload {
  main_agents: JsonObject[];
  sub_agents: JsonObject[];
  modules: JsonObject[];
  placeholders: JsonObject;
  template: JsonObject;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstString(...values: unknown[]): string | null {
  for (const value of values) if (typeof value === 'string' && value.trim() !== '') return value;
  return null;
}

function firstDefined(...values: unknown[]): unknown {
  return values.find((value) => value !== undefined && value !== null);
}

function numeric(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function toJson(value: unknown): JsonValue | null {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
}

/** The original's agent normalization: id ← id|agentId, prompt path ← promptPath|prompt|path. */
export function normalizeAgents(value: unknown, kind: 'main' | 'sub'): CodeMachineAgent[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError(`${kind} agents config must be a list`);
  return value.map((entry, index) => {
    if (!isRecord(entry)) throw new ConfigError(`${kind} agent #${index} must be an object`);
    const id = firstString(entry.id, entry.agentId);
    if (!id) throw new ConfigError(`${kind} agent is missing an id (entry #${index})`);
    const promptPath = firstString(entry.promptPath, entry.prompt, entry.path);
    if (!promptPath) throw new ConfigError(`${kind} agent ${id} is missing promptPath`);
    return {
      id,
      name: firstString(entry.name),
      description: firstString(entry.description),
      prompt_path: promptPath,
      mirror_path: firstString(entry.mirrorPath),
      engine_id: firstString(entry.engineId),
      model: firstString(entry.model),
      raw: entry,
    };
  });
}

/**
 * The original's module normalization. A `behavior` given as a plain string is taken as the type
 * (the original crashed on it).
 */
export function normalizeModules(value: unknown): CodeMachineModule[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError('modules config must be a list');
  return value.map((entry, index) => {
    if (!isRecord(entry)) throw new ConfigError(`module #${index} must be an object`);
    const behavior = entry.behavior;
    const block: Record<string, unknown> = isRecord(behavior)
      ? behavior
      : typeof behavior === 'string'
        ? { type: behavior }
        : {};
    const type =
      typeof block.type === 'string' && block.type.trim() !== '' ? block.type.trim().toLowerCase() : 'unknown';
    const skipRaw = firstDefined(block.skip, block.skipSteps, entry.skip, entry.skipSteps);
    const conditions = firstDefined(block.conditions, entry.conditions);
    return {
      module_id: firstString(entry.id, entry.module_id, entry.name) ?? '(unknown)',
      behavior: type,
      action: toJson(firstDefined(block.action, entry.action)),
      max_iterations: numeric(
        firstDefined(block.maxIterations, block.max_iterations, entry.maxIterations, entry.max_iterations),
      ),
      step_back: numeric(firstDefined(block.stepBack, block.step_back, entry.stepBack, entry.step_back)),
      skip_steps: Array.isArray(skipRaw) ? skipRaw.filter((item): item is number => numeric(item) !== null) : [],
      trigger_agent_id: firstString(block.triggerAgentId, block.trigger_agent_id),
      target_agent_id: firstString(block.targetAgentId, entry.targetAgentId, entry.target_agent_id),
      condition: toJson(firstDefined(block.condition, entry.condition)),
      conditions: Array.isArray(conditions) ? (toJson(conditions) as JsonValue[]) : null,
      raw: entry,
    };
  });
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError(`Unable to read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

async function readConfig(path: string): Promise<unknown> {
  const text = await readOptional(path);
  if (text === null) return null;
  try {
    return parseConfigContent(text);
  } catch (error) {
    throw new ConfigError(`${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** `<workspace>/.codemachine` when it is a folder, else the workspace itself. */
export function codeMachineRoot(workspace: string): string {
  const nested = join(workspace, '.codemachine');
  return existsSync(nested) && statSync(nested).isDirectory() ? nested : workspace;
}

/**
 * Loads a CodeMachine workspace: `config/main.agents.js`, `config/sub.agents.js`,
 * `config/modules.js`, `config/placeholders.js`, `template.json` and `inputs/specifications.md`
 * under the CodeMachine root. Every file is optional (missing → empty list/object). Config files
 * are parsed, never evaluated (see `parseConfigContent`); `template.json` is strict JSON.
 */
export async function loadCodeMachineConfig(workspace: string): Promise<CodeMachineConfig> {
  if (!existsSync(workspace)) throw new ConfigError(`CodeMachine workspace not found: ${workspace}`);
  const root = codeMachineRoot(workspace);
  const [main, sub, modules, placeholders, templateText, specifications] = await Promise.all([
    readConfig(join(root, 'config', 'main.agents.js')),
    readConfig(join(root, 'config', 'sub.agents.js')),
    readConfig(join(root, 'config', 'modules.js')),
    readConfig(join(root, 'config', 'placeholders.js')),
    readOptional(join(root, 'template.json')),
    readOptional(join(root, 'inputs', 'specifications.md')),
  ]);
  if (placeholders !== null && !isRecord(placeholders)) throw new ConfigError('placeholders config must be an object');
  let template: unknown = {};
  if (templateText !== null && templateText.trim() !== '') {
    try {
      template = JSON.parse(templateText) as unknown;
    } catch (error) {
      throw new ConfigError(`Unable to parse template.json: ${(error as Error).message}`, { cause: error });
    }
    if (!isRecord(template)) throw new ConfigError('template.json must hold an object');
  }
  return {
    root,
    workspace,
    main_agents: normalizeAgents(main, 'main'),
    sub_agents: normalizeAgents(sub, 'sub'),
    modules: normalizeModules(modules),
    placeholders: (toJson(placeholders ?? {}) as JsonObject) ?? {},
    template: toJson(template) as JsonObject,
    specifications,
  };
}

function agentPayload(agent: CodeMachineAgent): JsonObject {
  const { raw: _raw, ...payload } = agent;
  return payload;
}

/** A module as a policy object (no `raw`): what a StepSpec's `policies` and the payload hold. */
export function modulePolicy(module: CodeMachineModule): JsonObject {
  return {
    module_id: module.module_id,
    behavior: module.behavior,
    action: module.action,
    max_iterations: module.max_iterations,
    step_back: module.step_back,
    skip_steps: module.skip_steps,
    trigger_agent_id: module.trigger_agent_id,
    target_agent_id: module.target_agent_id,
    condition: module.condition,
    conditions: module.conditions,
  };
}

/** `{main_agents, sub_agents, modules, placeholders, template}` as stored in template_config. */
export function codeMachineTemplatePayload(config: CodeMachineConfig): CodeMachineTemplatePayload {
  return {
    main_agents: config.main_agents.map(agentPayload),
    sub_agents: config.sub_agents.map(agentPayload),
    modules: config.modules.map(modulePolicy),
    placeholders: config.placeholders,
    template: config.template,
  };
}
