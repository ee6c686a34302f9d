import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCodexEngine } from './adapters/codex.engine.js';
import type { EngineEvent } from './engine.types.js';
import { streamEngineRun } from './engine.stream.js';
import { createShellEngine } from './shell/shell.engine.js';
import { fakeBinary, useTempDir } from './testing/fake-engines.test-helpers.js';

describe('streamEngineRun', () => {
  const tmp = useTempDir('tgz-stream-');

  it('yields the live events of a run, ending with terminal, and resolves the result', async () => {
    const seen: EngineEvent[] = [];
    const engine = createCodexEngine({ binary: fakeBinary('codex') });
    const stream = streamEngineRun(engine, 'execute', {
      prompt: 'go',
      workingDir: tmp.path,
      env: { FAKE_ENGINE_FIXTURE: 'success', FAKE_ENGINE_LINE_DELAY_MS: '5' },
      onEvent: (event) => seen.push(event),
    });
    const events: EngineEvent[] = [];
    for await (const event of stream.events) events.push(event);
    const result = await stream.result;
    expect(result.outcome).toBe('succeeded');
    expect(events.at(-1)).toEqual({ type: 'terminal', outcome: 'succeeded', reason: null });
    expect(events.map((e) => e.type)).toContain('usage');
    expect(seen).toEqual(events);
  });

  it('ends the iteration when the run throws, and the result rejects', async () => {
    const stream = streamEngineRun(createShellEngine(), 'execute', {
      prompt: '',
      workingDir: tmp.path,
      stepFile: 'missing.md',
    });
    const events: EngineEvent[] = [];
    for await (const event of stream.events) events.push(event);
    await expect(stream.result).rejects.toThrow(/does not exist/);
    expect(events.map((e) => e.type)).toEqual(['usage']);
  });

  it('works with the shell engine', async () => {
    writeFileSync(join(tmp.path, '01-a.md'), '```sh\necho hi\n```\n');
    const stream = streamEngineRun(createShellEngine(), 'execute', {
      prompt: '',
      workingDir: tmp.path,
      stepFile: '01-a.md',
    });
    const types: string[] = [];
    for await (const event of stream.events) types.push(event.type);
    expect(types).toEqual(['usage', 'tool', 'tool', 'message', 'terminal']);
  });
});
