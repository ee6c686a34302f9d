import { EngineError, loadConfig } from '@tasksgodzilla/core';
import { createClaudeCodeEngine } from './adapters/claude-code.engine.js';
import { createCodexEngine } from './adapters/codex.engine.js';
import { createEngineRegistry } from './engine.registry.js';
import { resolveEngineAndModel } from './engine.resolution.js';
import { createShellEngine } from './shell/shell.engine.js';

describe('resolveEngineAndModel (reference §10.6)', () => {
  const config = loadConfig({});
  const envConfig = loadConfig({
    PROTOCOL_EXEC_MODEL: 'env-exec',
    PROTOCOL_QA_MODEL: 'env-qa',
    PROTOCOL_PLANNING_MODEL: 'env-plan',
    TASKSGODZILLA_DEFAULT_ENGINE: 'shell',
  });

  it('execution: step spec wins over everything', () => {
    expect(
      resolveEngineAndModel({
        phase: 'exec',
        stepSpec: { engine_id: 'claude-code', model: 'spec-model' },
        stepRun: { engine_id: 'opencode', model: 'run-model' },
        project: { default_models: { exec: 'project-exec' }, default_engine_id: 'shell' },
        config: envConfig,
      }),
    ).toEqual({ engine_id: 'claude-code', model: 'spec-model', sources: { engine: 'step_spec', model: 'step_spec' } });
  });

  it('execution: then the step run, the project, the config, the hard fallback', () => {
    expect(
      resolveEngineAndModel({
        phase: 'exec',
        stepSpec: { engine_id: null, model: '' },
        stepRun: { engine_id: 'opencode', model: 'run-model' },
        config,
      }),
    ).toMatchObject({
      engine_id: 'opencode',
      model: 'run-model',
      sources: { engine: 'step_run', model: 'step_run' },
    });
    expect(
      resolveEngineAndModel({
        phase: 'exec',
        project: { default_models: { exec: 'project-exec' }, default_engine_id: 'claude-code' },
        config: envConfig,
      }),
    ).toMatchObject({
      engine_id: 'claude-code',
      model: 'project-exec',
      sources: { engine: 'project', model: 'project' },
    });
    expect(
      resolveEngineAndModel({ phase: 'exec', project: { default_models: null }, config: envConfig }),
    ).toMatchObject({
      engine_id: 'shell',
      model: 'env-exec',
      sources: { engine: 'config', model: 'config' },
    });
    // Nothing configured: no model at all (no `--model`; the CLI chooses), never the original's ids.
    expect(resolveEngineAndModel({ phase: 'exec', config })).toEqual({
      engine_id: 'codex',
      model: null,
      sources: { engine: 'config', model: 'none' },
    });
  });

  it('planning, decompose and discovery use their own project keys; nothing configured is null', () => {
    expect(
      resolveEngineAndModel({ phase: 'planning', project: { default_models: { planning: 'p-plan' } }, config }).model,
    ).toBe('p-plan');
    expect(resolveEngineAndModel({ phase: 'planning', config: envConfig, stepRun: { engine_id: 'codex' } }).model).toBe(
      'env-plan',
    );
    expect(resolveEngineAndModel({ phase: 'decompose', config }).model).toBeNull();
    expect(resolveEngineAndModel({ phase: 'discovery', config }).model).toBeNull();
    expect(
      resolveEngineAndModel({ phase: 'discovery', config: loadConfig({ PROTOCOL_DISCOVERY_MODEL: 'd-model' }) }).model,
    ).toBe('d-model');
  });

  it('qa: spec qa.engine_id / qa.model, never the execution model of the step run', () => {
    const resolution = resolveEngineAndModel({
      phase: 'qa',
      stepSpec: { engine_id: 'codex', model: 'exec-model', qa: { engine_id: 'claude-code', model: 'qa-model' } },
      stepRun: { engine_id: 'opencode', model: 'run-model' },
      config,
    });
    expect(resolution).toMatchObject({ engine_id: 'claude-code', model: 'qa-model' });
    const fallback = resolveEngineAndModel({
      phase: 'qa',
      stepRun: { engine_id: 'codex', model: 'run-model' },
      project: { default_models: { qa: 'project-qa' } },
      config,
    });
    expect(fallback).toMatchObject({
      engine_id: 'codex',
      model: 'project-qa',
      sources: { engine: 'step_run', model: 'project' },
    });
    expect(resolveEngineAndModel({ phase: 'qa', config }).model).toBeNull();
  });

  it('non-codex engines get their default model or null, never a Codex model name', () => {
    const registry = createEngineRegistry([
      createCodexEngine(),
      createClaudeCodeEngine({ defaultModel: 'claude-sonnet-4-5' }),
      createShellEngine(),
    ]);
    expect(
      resolveEngineAndModel({ phase: 'exec', stepRun: { engine_id: 'claude-code' }, config, registry }),
    ).toMatchObject({
      model: 'claude-sonnet-4-5',
      sources: { model: 'engine_default' },
    });
    expect(resolveEngineAndModel({ phase: 'exec', stepRun: { engine_id: 'shell' }, config, registry })).toMatchObject({
      engine_id: 'shell',
      model: null,
      sources: { model: 'none' },
    });
  });

  it('with a registry, an unknown engine id is an error', () => {
    const registry = createEngineRegistry([createShellEngine()]);
    expect(() => resolveEngineAndModel({ phase: 'exec', stepSpec: { engine_id: 'aider' }, config, registry })).toThrow(
      EngineError,
    );
  });
});
