import { loadConfig } from '@tasksgodzilla/core';
import { createDefaultEngines } from './default-engines.js';
import { createEngineRegistry } from './engine.registry.js';
import { fakeBinary } from './testing/fake-engines.test-helpers.js';

describe('createDefaultEngines', () => {
  it('builds the four engines from core Config, binaries included', async () => {
    const config = loadConfig({ TASKSGODZILLA_CODEX_BIN: fakeBinary('codex'), TASKSGODZILLA_DEFAULT_ENGINE: 'shell' });
    const registry = createEngineRegistry(createDefaultEngines(config), { defaultEngineId: config.defaultEngine });
    expect(registry.ids()).toEqual(['codex', 'claude-code', 'opencode', 'shell']);
    expect(registry.getDefault().id).toBe('shell');
    expect(registry.list().map((e) => e.kind)).toEqual(['cli', 'cli', 'cli', 'builtin']);
    await expect(registry.get('codex').probe()).resolves.toMatchObject({
      binary: fakeBinary('codex'),
      installed: true,
    });
  });
});
