import { ValidationError } from '@tasksgodzilla/core';
import { createTempDir, type TempDir } from '@tasksgodzilla/testing';
import { defaultSandbox, prepareRequest } from './engine.request.js';
import type { EngineRequest } from './engine.types.js';

describe('prepareRequest', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = createTempDir('tgz-req-');
  });
  afterEach(() => tmp.remove());

  it('fills the defaults: sandbox per operation, timeouts from the engine options', () => {
    expect(defaultSandbox('plan')).toBe('read-only');
    expect(defaultSandbox('execute')).toBe('workspace-write');
    expect(defaultSandbox('qa')).toBe('read-only');
    expect(
      prepareRequest(
        'codex',
        'execute',
        { prompt: 'x', workingDir: tmp.path },
        { timeoutMs: 1000, stallTimeoutMs: 500 },
      ),
    ).toEqual({
      sandbox: 'workspace-write',
      timeoutMs: 1000,
      stallTimeoutMs: 500,
      killGraceMs: 2000,
    });
    expect(
      prepareRequest(
        'codex',
        'qa',
        { prompt: 'x', workingDir: tmp.path, sandbox: 'danger-full-access', timeoutMs: 5 },
        {},
      ),
    ).toMatchObject({
      sandbox: 'danger-full-access',
      timeoutMs: 5,
      stallTimeoutMs: 300_000,
    });
  });

  it('lists every problem with its field', () => {
    const bad = {
      prompt: 42,
      workingDir: '/definitely/not/here',
      sandbox: 'yolo',
      timeoutMs: -1,
      maxTokens: 0,
      outputSchema: [],
    } as unknown as EngineRequest;
    let error: unknown;
    try {
      prepareRequest('codex', 'execute', bad, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path[0])).toEqual([
      'prompt',
      'workingDir',
      'sandbox',
      'timeoutMs',
      'maxTokens',
      'outputSchema',
    ]);
  });
});
