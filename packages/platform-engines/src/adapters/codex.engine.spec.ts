import { join } from 'node:path';
import { useFakeWorkspace, fakeBinary, pidFileExited } from '../testing/fake-engines.test-helpers.js';
import { createCodexEngine } from './codex.engine.js';

describe('codex adapter (contract, fake codex CLI)', () => {
  const ws = useFakeWorkspace();
  const engine = createCodexEngine({ binary: fakeBinary('codex'), killGraceMs: 300 });

  it('builds `codex exec --json` with sandbox, model, schema and the prompt on stdin', async () => {
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] };
    await ws.run(
      engine,
      'plan',
      { FAKE_ENGINE_FIXTURE: 'success' },
      { model: 'gpt-5.1-codex-max', outputSchema: schema, addDirs: ['/tmp/extra'] },
    );
    const recorded = ws.argv();
    expect(recorded.argv.slice(0, 2)).toEqual(['exec', '--json']);
    expect(recorded.argv).toEqual(
      expect.arrayContaining([
        '--skip-git-repo-check',
        '--cd',
        ws.workingDir,
        '--sandbox',
        'read-only',
        '--model',
        'gpt-5.1-codex-max',
        '-c',
        'approval_policy="never"',
        '--add-dir',
        '/tmp/extra',
      ]),
    );
    expect(recorded.argv).not.toContain('--dangerously-bypass-approvals-and-sandbox');
    expect(recorded.argv.at(-1)).toBe('-');
    const schemaFlag = recorded.argv.indexOf('--output-schema');
    expect(schemaFlag).toBeGreaterThan(0);
    expect(recorded.cwd).toBe(ws.workingDir);
    expect(recorded.stdin).toBe('Add a greeting module with a test.');
  });

  it('uses workspace-write for execute by default and passes danger-full-access through', async () => {
    await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'success' });
    expect(ws.argv().argv).toEqual(expect.arrayContaining(['--sandbox', 'workspace-write']));
    expect(ws.argv().argv).not.toContain('--model');
    await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'success' }, { sandbox: 'danger-full-access' });
    expect(ws.argv().argv).toEqual(expect.arrayContaining(['--sandbox', 'danger-full-access']));
  });

  it('success: normalized events, cumulative usage, final message, session, log', async () => {
    const { result, events, log } = await ws.run(
      engine,
      'execute',
      { FAKE_ENGINE_FIXTURE: 'success' },
      { model: 'gpt-5.1-codex-max' },
    );
    expect(result).toMatchObject({
      engine_id: 'codex',
      operation: 'execute',
      outcome: 'succeeded',
      reason: null,
      model: 'gpt-5.1-codex-max',
      session_id: '0199a213-81c0-7800-8aa1-bbab2a035a53',
      usage: {
        input_tokens: 24763,
        cached_input_tokens: 24448,
        output_tokens: 1122,
        reasoning_tokens: 0,
        total_tokens: 25885,
      },
      cost_usd: null,
      final_message:
        'Added `src/greeting.ts` with `greet(name)` and documented it in README.md. `npm test` passes (2 tests).',
      exit_code: 0,
      log_path: ws.logPath,
      unparsed_lines: 0,
    });
    expect(events.map((e) => e.type)).toEqual([
      'session',
      'reasoning',
      'tool',
      'tool',
      'file_change',
      'tool',
      'tool',
      'message',
      'usage',
      'terminal',
    ]);
    expect(events.find((e) => e.type === 'file_change')).toMatchObject({ paths: ['src/greeting.ts', 'README.md'] });
    expect(events.find((e) => e.type === 'usage')).toMatchObject({ cumulative: true });
    expect(events.at(-1)).toEqual({ type: 'terminal', outcome: 'succeeded', reason: null });
    expect(
      events.filter((e) => e.type === 'tool' && e.phase === 'end').map((e) => e.type === 'tool' && e.exit_code),
    ).toEqual([0, 0]);
    expect(log).toContain('"type":"turn.completed"');
    expect(log).toContain('[tgz] $ ');
    expect(log).toContain('outcome=succeeded');
  });

  it('failure: the fatal error of turn.failed is reported once', async () => {
    const { result, events } = await ws.run(engine, 'execute', {
      FAKE_ENGINE_FIXTURE: 'failure',
      FAKE_ENGINE_EXIT_CODE: '1',
    });
    // The outcome and reason are in adapter-contract.spec.ts. The fatal error comes as `error` and again as `turn.failed`: reported once; warnings are not errors.
    expect(result.errors).toEqual([
      'stream disconnected before completion: Transport error: error decoding response body',
    ]);
    expect(result.warnings).toEqual([expect.stringContaining('Model metadata')]);
    expect(events.filter((e) => e.type === 'error').map((e) => e.type === 'error' && e.fatal)).toEqual([false, true]);
  });

  it('a completed turn with a non-zero exit is failed', async () => {
    const { result } = await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'success', FAKE_ENGINE_EXIT_CODE: '2' });
    expect(result.outcome).toBe('failed');
    expect(result.reason).toContain('exit code 2');
  });

  it('aborting the signal interrupts the run', async () => {
    const controller = new AbortController();
    const { result } = await ws.run(
      engine,
      'execute',
      { FAKE_ENGINE_FIXTURE: 'hang', FAKE_ENGINE_HANG: 'end' },
      { signal: controller.signal, onEvent: (event) => event.type === 'session' && controller.abort() },
    );
    expect(result.outcome).toBe('interrupted');
    expect(result.session_id).toBe('0199a213-81c0-7800-8aa1-bbab2a035a53');
  });

  it('an engine still running after turn.completed is killed and keeps its outcome', async () => {
    const pidFile = join(ws.workingDir, 'pid');
    const lingering = createCodexEngine({ binary: fakeBinary('codex'), killGraceMs: 300, postTerminalGraceMs: 300 });
    const { result } = await ws.run(lingering, 'execute', {
      FAKE_ENGINE_FIXTURE: 'success',
      FAKE_ENGINE_HANG: 'end',
      FAKE_ENGINE_PID_FILE: pidFile,
    });
    expect(result.outcome).toBe('succeeded');
    expect(result.exit_code).toBeNull();
    expect(await pidFileExited(pidFile)).toBe(true);
  });

  it('parses the final message as structured output when a schema was given', async () => {
    const { result } = await ws.run(
      engine,
      'plan',
      { FAKE_ENGINE_FIXTURE: 'structured-output' },
      { outputSchema: { type: 'object' } },
    );
    expect(result.outcome).toBe('succeeded');
    expect(result.structured_output).toMatchObject({
      plan_md: '# Plan\n- [ ] Add greeting',
      step_files: [{ filename: '00-setup.md' }, { filename: '01-greeting.md' }],
    });
  });

  it('real 0.171 stream of an HTTP 401: failed, the error once, the model-metadata warning apart', async () => {
    const { result } = await ws.run(engine, 'execute', {
      FAKE_ENGINE_FIXTURE: 'real-0.171-http-401',
      FAKE_ENGINE_EXIT_CODE: '1',
    });
    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(/^unexpected status 401 Unauthorized: invalid api key/);
    expect(result.errors).toHaveLength(1);
    expect(result.warnings).toEqual([expect.stringContaining('Model metadata for `contract-model` not found')]);
  });
});
