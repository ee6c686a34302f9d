import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@tasksgodzilla/core';
import { createTempDir } from '@tasksgodzilla/testing';
import {
  codeMachineTemplatePayload,
  loadCodeMachineConfig,
  normalizeAgents,
  normalizeModules,
} from './codemachine.config.js';
import { agentFields, moduleFields } from './spec.test-helpers.js';

const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));

/** The first main agent of the `codemachine-basic` fixture, without its raw entry. */
const planAgent = agentFields('plan', {
  name: 'Planner',
  description: 'Plans the work',
  prompt_path: 'prompts/plan.md',
  engine_id: 'codex',
  model: 'gpt-5.1-codex-max',
});

describe('loadCodeMachineConfig', () => {
  it('loads a workspace with a .codemachine folder: agents, modules, placeholders, template, specifications', async () => {
    const workspace = join(fixtures, 'codemachine-basic');
    const config = await loadCodeMachineConfig(workspace);
    expect(config.root).toBe(join(workspace, '.codemachine'));
    expect(config.main_agents.map(({ raw: _raw, ...agent }) => agent)).toEqual([
      planAgent,
      agentFields('build', { description: 'Builds the feature', prompt_path: '{{PROMPTS}}/build.md' }),
      agentFields('review', { prompt_path: 'prompts/review.md' }),
    ]);
    expect(config.sub_agents).toHaveLength(1);
    expect(config.sub_agents[0]).toMatchObject({ id: 'helper', mirror_path: 'mirror/helper.md' });
    expect(config.modules.map(({ raw: _raw, ...module }) => module)).toEqual([
      moduleFields({
        module_id: 'retry-build',
        action: 'stepBack',
        max_iterations: 3,
        step_back: 1,
        skip_steps: [0],
        conditions: ['qa_failed'],
      }),
      moduleFields({
        module_id: 'notify-review',
        behavior: 'trigger',
        trigger_agent_id: 'review',
        target_agent_id: 'build',
      }),
      moduleFields({ module_id: 'string-behavior', target_agent_id: 'review' }),
    ]);
    expect(config.placeholders).toEqual({ PROMPTS: 'prompts', PROJECT: 'demo' });
    expect(config.template).toEqual({
      template: 'demo-template',
      version: '1.2.0',
      engineDefaults: { execute: 'codex', executeModel: 'gpt-5.1-codex' },
    });
    expect(config.specifications).toBe('The product must greet users in French.\n');
  });

  it('treats the workspace itself as the root when there is no .codemachine folder; missing files are empty', async () => {
    const workspace = join(fixtures, 'codemachine-flat');
    const config = await loadCodeMachineConfig(workspace);
    expect(config.root).toBe(workspace);
    expect(config.main_agents.map((agent) => [agent.id, agent.engine_id])).toEqual([['only', 'shell']]);
    expect(config.sub_agents).toEqual([]);
    expect(config.modules).toEqual([]);
    expect(config.placeholders).toEqual({});
    expect(config.template).toEqual({});
    expect(config.specifications).toBeNull();
  });

  it('fails with a ConfigError naming the file for unparseable config', async () => {
    await expect(loadCodeMachineConfig(join(fixtures, 'codemachine-broken'))).rejects.toThrow(
      /main\.agents\.js: Unable to parse config content/,
    );
  });

  it('fails with a ConfigError for a missing workspace or a bad template.json', async () => {
    await expect(loadCodeMachineConfig(join(fixtures, 'nope'))).rejects.toBeInstanceOf(ConfigError);
    const dir = createTempDir('tgz-cm-');
    try {
      cpSync(join(fixtures, 'codemachine-flat'), dir.path, { recursive: true });
      writeFileSync(join(dir.path, 'template.json'), '{ not json');
      await expect(loadCodeMachineConfig(dir.path)).rejects.toThrow(/template\.json/);
      writeFileSync(join(dir.path, 'template.json'), '[]');
      await expect(loadCodeMachineConfig(dir.path)).rejects.toThrow(/must hold an object/);
    } finally {
      dir.remove();
    }
  });

  it('builds the template payload without raw entries', async () => {
    const payload = codeMachineTemplatePayload(await loadCodeMachineConfig(join(fixtures, 'codemachine-basic')));
    expect(Object.keys(payload)).toEqual(['main_agents', 'sub_agents', 'modules', 'placeholders', 'template']);
    expect(payload.main_agents[0]).toEqual(planAgent);
    expect(payload.modules[0]).not.toHaveProperty('raw');
  });
});

describe('normalizeAgents / normalizeModules', () => {
  it('reports the original ConfigErrors', () => {
    expect(() => normalizeAgents({}, 'main')).toThrow('main agents config must be a list');
    expect(() => normalizeAgents([{ promptPath: 'x' }], 'main')).toThrow(/main agent is missing an id/);
    expect(() => normalizeAgents([{ id: 'a' }], 'sub')).toThrow('sub agent a is missing promptPath');
    expect(() => normalizeModules('x')).toThrow('modules config must be a list');
    expect(() => normalizeModules([1])).toThrow(ConfigError);
  });

  it('defaults module id and behavior, keeps numeric fields only', () => {
    const [module] = normalizeModules([
      { behavior: { maxIterations: 'three', stepBack: 2, skip: [1, '2', 3] }, action: 'raw-action' },
    ]);
    expect(module).toMatchObject({
      module_id: '(unknown)',
      behavior: 'unknown',
      max_iterations: null,
      step_back: 2,
      skip_steps: [1, 3],
      action: 'raw-action',
    });
  });
});
