import { join } from 'node:path';
import { useFakeWorkspace, fakeBinary, opencodeRunArgs, pidFileExited } from '../testing/fake-engines.test-helpers.js';
import { createOpencodeEngine, opencodePermissions } from './opencode.engine.js';
import { parseOpencodeErrorLog } from './opencode.stream.js';

describe('opencode adapter (contract, fake opencode CLI)', () => {
  const ws = useFakeWorkspace();
  const engine = createOpencodeEngine({ binary: fakeBinary('opencode'), killGraceMs: 300 });

  it('builds `opencode run --format json` with --dir, model, the prompt and a permission config without ask rules', async () => {
    await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'success' }, { model: 'anthropic/claude-sonnet-4-5' });
    const { argv, cwd, env } = ws.argv();
    expect(argv).toEqual([
      ...opencodeRunArgs(ws.workingDir),
      '--model',
      'anthropic/claude-sonnet-4-5',
      'Add a greeting module with a test.',
    ]);
    expect(cwd).toBe(ws.workingDir);
    const config = JSON.parse(env['OPENCODE_CONFIG_CONTENT'] ?? '{}');
    expect(config.permission).toEqual(opencodePermissions('workspace-write'));
    for (const sandbox of ['read-only', 'workspace-write', 'danger-full-access'] as const) {
      expect(Object.values(opencodePermissions(sandbox))).not.toContain('ask');
    }
    expect(opencodePermissions('read-only')).toMatchObject({ edit: 'deny', bash: 'deny' });
  });

  it('sends very long prompts through an attached file', async () => {
    const prompt = `Implement this:\n${'x'.repeat(120_000)}`;
    await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'success' }, { prompt });
    const { argv } = ws.argv();
    // `--file` takes a list, so the message comes before it and the file is the last argument.
    expect(argv.slice(-3)).toEqual([
      'Follow the instructions in the attached file prompt.md.',
      '--file',
      expect.stringMatching(/prompt\.md$/),
    ]);
  });

  it('success: summed per-step usage and cost, file changes, final text', async () => {
    const { result, events } = await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'success' });
    expect(result).toMatchObject({
      engine_id: 'opencode',
      outcome: 'succeeded',
      session_id: 'ses_52c1a8f3dffe1XbV0q6h3k2LmN',
      final_message: 'Added src/greeting.ts exporting greet(name); npm test passes.',
      cost_usd: 0.0246,
      exit_code: 0,
    });
    // Three steps, each with 11000 cache reads and 4200 cache writes on top of its own input.
    expect(result.usage).toEqual({
      input_tokens: 10 + 6 + 4 + 3 * (11000 + 4200),
      cached_input_tokens: 33000,
      output_tokens: 120 + 95 + 40,
      reasoning_tokens: 0,
      total_tokens: 10 + 6 + 4 + 3 * (11000 + 4200) + 120 + 95 + 40,
    });
    expect(events.filter((e) => e.type === 'usage').every((e) => e.type === 'usage' && !e.cumulative)).toBe(true);
    expect(events.find((e) => e.type === 'file_change')).toMatchObject({ paths: ['/work/repo/src/greeting.ts'] });
  });

  it('an empty final message after done is failed (auto-rejection trap)', async () => {
    const { result } = await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'empty-final' });
    expect(result.outcome).toBe('failed');
    expect(result.reason).toBe('empty final message');
  });

  it('live USD cap: the run is killed once reported cost passes maxBudgetUsd', async () => {
    const pidFile = join(ws.workingDir, 'pid');
    const { result, events } = await ws.run(
      engine,
      'execute',
      { FAKE_ENGINE_FIXTURE: 'budget-exceeded', FAKE_ENGINE_HANG: 'end', FAKE_ENGINE_PID_FILE: pidFile },
      { maxBudgetUsd: 0.5 },
    );
    expect(result.outcome).toBe('budget_exceeded');
    expect(result.cost_usd).toBe(0.59);
    expect(result.reason).toContain('USD budget of 0.5');
    expect(events.at(-1)).toMatchObject({ type: 'terminal', outcome: 'budget_exceeded' });
    expect(await pidFileExited(pidFile)).toBe(true);
  });

  it('live token cap works the same way', async () => {
    const { result } = await ws.run(
      engine,
      'execute',
      { FAKE_ENGINE_FIXTURE: 'budget-exceeded', FAKE_ENGINE_HANG: 'end' },
      { maxTokens: 20_000 },
    );
    expect(result.outcome).toBe('budget_exceeded');
    expect(result.reason).toContain('token budget of 20000');
  });

  it('builds without `done`: a final stop step ends the run, unless requireDoneEvent', async () => {
    const legacy = await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'legacy-no-done' });
    expect(legacy.result.outcome).toBe('succeeded');
    const strict = createOpencodeEngine({ binary: fakeBinary('opencode'), requireDoneEvent: true });
    const strictRun = await ws.run(strict, 'execute', { FAKE_ENGINE_FIXTURE: 'legacy-no-done' });
    expect(strictRun.result.outcome).toBe('no_terminal_event');
  });

  it('without native schema support, asks for JSON in the prompt and parses the answer', async () => {
    const schema = { type: 'object', required: ['plan_md'] };
    const { result } = await ws.run(
      engine,
      'plan',
      { FAKE_ENGINE_FIXTURE: 'structured-output' },
      { outputSchema: schema },
    );
    expect(ws.argv().argv.at(-1)).toContain('validates against this JSON Schema');
    expect(result.structured_output).toMatchObject({ plan_md: '# Plan' });
  });

  it('real 1.18 stream of an HTTP 401 is failed with the provider message', async () => {
    const { result } = await ws.run(engine, 'execute', {
      FAKE_ENGINE_FIXTURE: 'real-1.18-http-401',
      FAKE_ENGINE_EXIT_CODE: '1',
    });
    expect(result.outcome).toBe('failed');
    expect(result.reason).toContain('APIError: upstream says 401');
  });

  const providerErrorLog = (n: number) =>
    Array.from(
      { length: n },
      (_, i) =>
        `timestamp=2026-12-06T06:13:1${i}.777Z level=ERROR run=7a8655f1 message="stream error" providerID=standin modelID=m small=false agent=build mode=primary error.error="AI_APICallError: upstream says 500"`,
    ).join('\\n');

  it('a stall whose stderr log shows provider errors (opencode retries HTTP 500 silently) is failed with that error', async () => {
    const { result } = await ws.run(
      engine,
      'execute',
      { FAKE_ENGINE_FIXTURE: 'hang', FAKE_ENGINE_HANG: '0', FAKE_ENGINE_STDERR: providerErrorLog(2) },
      { stallTimeoutMs: 3000 },
    );
    expect(result.outcome).toBe('failed');
    expect(result.reason).toContain(
      'provider error (opencode retried silently until stopped): AI_APICallError: upstream says 500',
    );
  });

  it('repeated provider errors fail the run without waiting for the stall limit', async () => {
    const fast = createOpencodeEngine({ binary: fakeBinary('opencode'), killGraceMs: 300, maxProviderErrors: 3 });
    const { result } = await ws.run(
      fast,
      'execute',
      { FAKE_ENGINE_FIXTURE: 'hang', FAKE_ENGINE_HANG: '0', FAKE_ENGINE_STDERR: providerErrorLog(3) },
      { stallTimeoutMs: 60_000, timeoutMs: 120_000 },
    );
    expect(result.outcome).toBe('failed');
    expect(result.reason).toContain(
      'provider error (3 in a row, opencode keeps retrying): AI_APICallError: upstream says 500',
    );
    // The log lines it read are not repeated as a stderr excerpt.
    expect(result.reason).not.toContain('(stderr:');
  });

  it('a title-agent error alone is not a provider failure', () => {
    expect(
      parseOpencodeErrorLog('level=ERROR message="stream error" small=true agent=title error.error="AI_RetryError: x"'),
    ).toEqual({ message: 'AI_RetryError: x', titleAgent: true });
    expect(parseOpencodeErrorLog('level=INFO message="hello"')).toBeNull();
  });
});
