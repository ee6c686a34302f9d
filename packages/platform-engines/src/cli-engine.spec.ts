import { existsSync, readFileSync } from 'node:fs';
import { ValidationError } from '@tasksgodzilla/core';
import { createCodexEngine } from './adapters/codex.engine.js';
import { useFakeWorkspace, fakeBinary } from './testing/fake-engines.test-helpers.js';

describe('createCliEngine (shared adapter machinery)', () => {
  const ws = useFakeWorkspace();

  it('a throwing onEvent listener does not break the run; it is noted in the log', async () => {
    const engine = createCodexEngine({ binary: fakeBinary('codex') });
    const { result, log } = await ws.run(
      engine,
      'execute',
      { FAKE_ENGINE_FIXTURE: 'success' },
      {
        onEvent: () => {
          throw new Error('listener bug');
        },
      },
    );
    expect(result.outcome).toBe('succeeded');
    expect(log).toContain('onEvent listener threw on a session event: listener bug');
  });

  it('extraArgs go before the stdin marker', async () => {
    const engine = createCodexEngine({
      binary: fakeBinary('codex'),
      extraArgs: ['-c', 'model_reasoning_effort="high"'],
    });
    await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'success' });
    expect(ws.argv().argv.slice(-3)).toEqual(['-c', 'model_reasoning_effort="high"', '-']);
  });

  it('a bad request is a ValidationError and nothing is spawned or logged', async () => {
    const engine = createCodexEngine({ binary: fakeBinary('codex') });
    await expect(
      ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'success' }, { workingDir: `${ws.workingDir}/missing` }),
    ).rejects.toThrow(ValidationError);
    expect(existsSync(ws.argvFile)).toBe(false);
    expect(existsSync(ws.logPath)).toBe(false);
  });

  it('the temp schema file is removed after the run', async () => {
    const engine = createCodexEngine({ binary: fakeBinary('codex') });
    await ws.run(engine, 'plan', { FAKE_ENGINE_FIXTURE: 'structured-output' }, { outputSchema: { type: 'object' } });
    const argv = ws.argv().argv;
    const schemaPath = argv[argv.indexOf('--output-schema') + 1] ?? '';
    expect(schemaPath).not.toBe('');
    expect(existsSync(schemaPath)).toBe(false);
    expect(readFileSync(ws.logPath, 'utf8')).toContain('--output-schema');
  });
});
