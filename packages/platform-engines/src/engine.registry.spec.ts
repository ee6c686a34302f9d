import { EngineError, ValidationError } from '@tasksgodzilla/core';
import { createCodexEngine } from './adapters/codex.engine.js';
import { createEngineRegistry } from './engine.registry.js';
import { createShellEngine } from './shell/shell.engine.js';

describe('createEngineRegistry', () => {
  const codex = createCodexEngine();
  const shell = createShellEngine();

  it('holds the given engines in order, with the first one as default', () => {
    const registry = createEngineRegistry([codex, shell]);
    expect(registry.ids()).toEqual(['codex', 'shell']);
    expect(registry.get('shell')).toBe(shell);
    expect(registry.has('opencode')).toBe(false);
    expect(registry.getDefault()).toBe(codex);
    expect(registry.list()).toEqual([codex, shell]);
  });

  it('uses defaultEngineId when given', () => {
    expect(createEngineRegistry([codex, shell], { defaultEngineId: 'shell' }).getDefault()).toBe(shell);
  });

  it('rejects duplicates and an unknown default', () => {
    expect(() => createEngineRegistry([shell, createShellEngine()])).toThrow(ValidationError);
    expect(() => createEngineRegistry([shell], { defaultEngineId: 'codex' })).toThrow(/not registered/);
  });

  it('throws engine_not_registered for an unknown id, and for a default of an empty registry', () => {
    const registry = createEngineRegistry([shell]);
    expect(() => registry.get('aider')).toThrow(EngineError);
    expect(() => registry.get('aider')).toThrow('Engine "aider" is not registered (registered: shell)');
    expect(() => createEngineRegistry([]).getDefault()).toThrow(EngineError);
  });

  it('registries are independent (no global state)', () => {
    const a = createEngineRegistry([shell]);
    const b = createEngineRegistry([codex]);
    expect(a.ids()).toEqual(['shell']);
    expect(b.ids()).toEqual(['codex']);
  });

  it('exposes capability flags', () => {
    expect(codex.capabilities).toEqual({
      structuredOutput: true,
      budgetCap: false,
      reportsCost: false,
      resume: true,
      usageIsCumulative: true,
    });
    expect(shell.capabilities.reportsCost).toBe(true);
  });
});
