import { join } from 'node:path';
import { EngineError } from '@tasksgodzilla/core';
import type { Engine, EngineEvent, EngineOutcome, EngineRequest } from '../engine.types.js';
import { useFakeWorkspace, fakeBinary, opencodeRunArgs, pidFileExited } from '../testing/fake-engines.test-helpers.js';
import { CLAUDE_WORKSPACE_WRITE_TOOLS, createClaudeCodeEngine } from './claude-code.engine.js';
import { createCodexEngine } from './codex.engine.js';
import { createOpencodeEngine } from './opencode.engine.js';

/**
 * The behaviour every CLI adapter shares, run against each adapter's fake CLI (tools/fake-engines): how a
 * run ends (outcome classification), process-group kills, and a missing binary. What differs per CLI
 * (argv, stream details, the CLI's own error texts) stays in each adapter's own spec; this table holds
 * only the per-CLI strings of the shared cases.
 */
interface AdapterCase {
  engineId: string;
  create(binary: string): Engine;
  fakeBinary: string;
  fakeVersion: string;
  /** The first event type the fake emits once it is up (pid files written, signal handlers installed). */
  upEvent: EngineEvent['type'];
  failureReason: string;
  /** USD cost the `failure` stream reports (null: the CLI reports none). */
  failureCostUsd: number | null;
  exit0FailedReason: string;
  permissionDeniedReason: string;
  /** What a stream cut before its terminal event still gives. */
  noTerminal: { finalMessage: string | null; usage: unknown };
  /** The `garbage` fixture: how many lines are not JSON, the final message, and text of those lines the log keeps. */
  garbage: { unparsedLines: number; finalMessage: string; logged: string[] };
  /** The CLI's own budget or usage-limit report: the fake's env, the request, what the result must match. */
  budgetError: { env: Record<string, string>; request?: Partial<EngineRequest>; expected: Record<string, unknown> };
  /** A success stream recorded from the real CLI (tools/engine-contracts) and what its succeeded result must match. */
  realSuccess: { fixture: string; expected: Record<string, unknown> };
  /** A stream without a model request: the fixture and the model the stream names (null: it never does). */
  noModel: { fixture: string; streamModel: string | null };
  /** Resuming a session: the request, the whole argv (given the working dir), and the flag a fresh run lacks. */
  resume: {
    request: Partial<EngineRequest>;
    argv(workingDir: string): string[];
    resumeFlag: string;
    /** What the CLI reads on stdin: the new message, or nothing when the message is an argument. */
    stdin: string;
  };
}

const RESUME_PROMPT = 'The check failed; fix it.';

const ADAPTERS: AdapterCase[] = [
  {
    engineId: 'codex',
    create: (binary) => createCodexEngine({ binary, killGraceMs: 300 }),
    fakeBinary: fakeBinary('codex'),
    fakeVersion: '0.63.0',
    upEvent: 'session',
    failureReason: 'stream disconnected',
    failureCostUsd: null,
    exit0FailedReason: 'not supported',
    permissionDeniedReason: 'npm install left-pad',
    noTerminal: { finalMessage: 'Working on it', usage: null },
    garbage: {
      unparsedLines: 5,
      finalMessage: 'Done despite the noise.',
      logged: ['Reading prompt from stdin...', 'not json at all'],
    },
    budgetError: {
      env: { FAKE_ENGINE_FIXTURE: 'budget-exceeded', FAKE_ENGINE_EXIT_CODE: '1' },
      expected: { outcome: 'budget_exceeded', reason: expect.stringContaining('usage limit') },
    },
    realSuccess: {
      fixture: 'real-0.171-success',
      expected: {
        session_id: '01a249fa-61bc-7061-98bd-128f6bc1d60b',
        final_message: 'Wrote codex.txt.',
        errors: [],
        usage: { input_tokens: 24, output_tokens: 14 },
      },
    },
    noModel: { fixture: 'real-0.171-success', streamModel: null },
    resume: {
      request: { resumeSessionId: '0199a213-81c0-7800-8aa1-bbab2a035a53', model: 'gpt-5.1-codex' },
      argv: (workingDir) => [
        'exec',
        '--json',
        '--skip-git-repo-check',
        '--cd',
        workingDir,
        '--sandbox',
        'workspace-write',
        '--model',
        'gpt-5.1-codex',
        '-c',
        'approval_policy="never"',
        'resume',
        '0199a213-81c0-7800-8aa1-bbab2a035a53',
        '-',
      ],
      resumeFlag: 'resume',
      stdin: RESUME_PROMPT,
    },
  },
  {
    engineId: 'claude-code',
    create: (binary) => createClaudeCodeEngine({ binary, killGraceMs: 300, runningAsRoot: false }),
    fakeBinary: fakeBinary('claude'),
    fakeVersion: '2.0.55',
    upEvent: 'message',
    failureReason: 'spawn /bin/sh ENOENT',
    failureCostUsd: 0.0031,
    exit0FailedReason: 'API error 429',
    permissionDeniedReason: 'Bash',
    noTerminal: { finalMessage: 'Let me look at the failing test.', usage: null },
    garbage: { unparsedLines: 4, finalMessage: 'All good.', logged: ['DeprecationWarning'] },
    budgetError: {
      env: { FAKE_ENGINE_FIXTURE: 'budget-exceeded' },
      request: { maxBudgetUsd: 0.5 },
      expected: { outcome: 'budget_exceeded', cost_usd: 0.5213 },
    },
    realSuccess: {
      fixture: 'real-2.1-success',
      expected: { session_id: '57e181fe-78ea-4e28-a0ad-0d458c389452', final_message: 'Wrote out.txt.' },
    },
    noModel: { fixture: 'success', streamModel: 'claude-sonnet-4-5-20250929' },
    resume: {
      request: { resumeSessionId: '8f3b6c1e-2c4a-4f0e-9a51-3d2f6b7e9c10' },
      argv: () => [
        '-p',
        '--output-format',
        'stream-json',
        '--verbose',
        '--permission-mode',
        'dontAsk',
        '--allowedTools',
        CLAUDE_WORKSPACE_WRITE_TOOLS.join(','),
        '--disallowedTools',
        'AskUserQuestion',
        '--resume',
        '8f3b6c1e-2c4a-4f0e-9a51-3d2f6b7e9c10',
      ],
      resumeFlag: '--resume',
      stdin: RESUME_PROMPT,
    },
  },
  {
    engineId: 'opencode',
    create: (binary) => createOpencodeEngine({ binary, killGraceMs: 300 }),
    fakeBinary: fakeBinary('opencode'),
    fakeVersion: '1.0.119',
    upEvent: 'session',
    failureReason: 'APIError: Overloaded',
    failureCostUsd: 0.0101,
    exit0FailedReason: 'ProviderAuthError',
    permissionDeniedReason: 'bash',
    noTerminal: { finalMessage: null, usage: expect.any(Object) },
    garbage: { unparsedLines: 3, finalMessage: 'All good.', logged: ['service=bus type=session.updated'] },
    budgetError: {
      env: { FAKE_ENGINE_FIXTURE: 'quota-error', FAKE_ENGINE_EXIT_CODE: '1' },
      expected: { outcome: 'budget_exceeded', reason: expect.stringContaining('credit balance') },
    },
    // opencode 1.18 prints no `done` event: the run ends with a step_finish "stop" and exit 0.
    realSuccess: {
      fixture: 'real-1.18-success',
      expected: { session_id: 'ses_db60555d5ffeRPRJgLTsiModBX', final_message: 'Wrote oc.txt.' },
    },
    noModel: { fixture: 'real-1.18-success', streamModel: null },
    resume: {
      request: { resumeSessionId: 'ses_52c1a8f3dffe1XbV0q6h3k2LmN' },
      argv: (workingDir) => [
        ...opencodeRunArgs(workingDir),
        '--session',
        'ses_52c1a8f3dffe1XbV0q6h3k2LmN',
        RESUME_PROMPT,
      ],
      resumeFlag: '--session',
      stdin: '',
    },
  },
];

describe.each(ADAPTERS)('$engineId adapter: the shared contract (fake CLI)', (adapter) => {
  const ws = useFakeWorkspace();
  const engine = adapter.create(adapter.fakeBinary);

  it('an error with exit 1 is failed, with the CLI’s error as the reason', async () => {
    const { result } = await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'failure', FAKE_ENGINE_EXIT_CODE: '1' });
    expect(result.outcome).toBe('failed');
    expect(result.exit_code).toBe(1);
    expect(result.reason).toContain(adapter.failureReason);
    expect(result.cost_usd).toBe(adapter.failureCostUsd);
  });

  it('exit 0 with an error in the stream is still failed', async () => {
    const { result } = await ws.run(engine, 'execute', {
      FAKE_ENGINE_FIXTURE: 'exit0-failed',
      FAKE_ENGINE_EXIT_CODE: '0',
    });
    expect(result.exit_code).toBe(0);
    expect(result.outcome).toBe('failed');
    expect(result.reason).toContain(adapter.exit0FailedReason);
  });

  it('a refused tool or command is permission_denied', async () => {
    const { result } = await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'permission-denied' });
    expect(result.outcome).toBe('permission_denied');
    expect(result.reason).toContain(adapter.permissionDeniedReason);
  });

  it('a stream without its terminal event is no_terminal_event', async () => {
    const { result, events } = await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'no-terminal' });
    expect(result.outcome).toBe('no_terminal_event');
    expect(result.final_message).toBe(adapter.noTerminal.finalMessage);
    expect(result.usage).toEqual(adapter.noTerminal.usage);
    expect(events.at(-1)).toMatchObject({ type: 'terminal', outcome: 'no_terminal_event' });
  });

  it('garbage lines are skipped, counted and logged; the outcome comes from the rest', async () => {
    const { result, log } = await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'garbage' });
    expect(result.outcome).toBe('succeeded');
    expect(result.unparsed_lines).toBe(adapter.garbage.unparsedLines);
    expect(result.final_message).toBe(adapter.garbage.finalMessage);
    for (const text of adapter.garbage.logged) expect(log).toContain(text);
  });

  it('a budget or usage limit the CLI reports is budget_exceeded', async () => {
    const { env, request, expected } = adapter.budgetError;
    const { result } = await ws.run(engine, 'execute', env, request);
    expect(result).toMatchObject(expected);
  });

  it('a success stream recorded from the real CLI is succeeded, with its session and final message', async () => {
    const { result } = await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: adapter.realSuccess.fixture });
    expect(result).toMatchObject({ outcome: 'succeeded', ...adapter.realSuccess.expected });
  });

  it('resumeSessionId: the session flag and the new message; a fresh run has no session flag', async () => {
    await ws.run(
      engine,
      'execute',
      { FAKE_ENGINE_FIXTURE: 'success' },
      { prompt: RESUME_PROMPT, ...adapter.resume.request },
    );
    const { argv, stdin } = ws.argv();
    expect(argv).toEqual(adapter.resume.argv(ws.workingDir));
    expect(stdin).toBe(adapter.resume.stdin);
    await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'success' }, { resumeSessionId: null });
    expect(ws.argv().argv).not.toContain(adapter.resume.resumeFlag);
  });

  it('no model requested: no --model, and result.model is the model the stream names, if any', async () => {
    const { result } = await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: adapter.noModel.fixture });
    expect(ws.argv().argv).not.toContain('--model');
    expect(result.model).toBe(adapter.noModel.streamModel);
  });

  it.each<{
    name: string;
    env: Record<string, string>;
    request: Partial<EngineRequest>;
    outcome: EngineOutcome;
    reason: string;
  }>([
    {
      name: 'a silent engine is stalled',
      env: { FAKE_ENGINE_FIXTURE: 'hang', FAKE_ENGINE_HANG: 'end' },
      request: { stallTimeoutMs: 500 },
      outcome: 'stalled',
      reason: 'no output',
    },
    {
      name: 'the wall-clock limit gives timeout even while output keeps coming',
      env: { FAKE_ENGINE_FIXTURE: 'success', FAKE_ENGINE_LINE_DELAY_MS: '200' },
      request: { timeoutMs: 600, stallTimeoutMs: 10_000 },
      outcome: 'timeout',
      reason: 'wall-clock',
    },
  ])('$name', async ({ env, request, outcome, reason }) => {
    const { result, events } = await ws.run(engine, 'execute', env, request);
    expect(result.outcome).toBe(outcome);
    expect(result.reason).toContain(reason);
    expect(events.at(-1)).toMatchObject({ type: 'terminal', outcome });
  });

  it('an abort kills the whole process group, grandchildren included, with SIGKILL when SIGTERM is ignored', async () => {
    const pidFile = join(ws.workingDir, 'pid');
    const childPidFile = join(ws.workingDir, 'child-pid');
    const controller = new AbortController();
    const { result } = await ws.run(
      engine,
      'execute',
      {
        FAKE_ENGINE_FIXTURE: 'hang',
        FAKE_ENGINE_HANG: 'end',
        FAKE_ENGINE_IGNORE_SIGTERM: '1',
        FAKE_ENGINE_PID_FILE: pidFile,
        FAKE_ENGINE_CHILD_PID_FILE: childPidFile,
      },
      { signal: controller.signal, onEvent: (event) => event.type === adapter.upEvent && controller.abort() },
    );
    expect(result.outcome).toBe('interrupted');
    expect(result.signal).toBe('SIGKILL');
    expect(await pidFileExited(pidFile)).toBe(true);
    expect(await pidFileExited(childPidFile)).toBe(true);
  });

  it('a missing binary throws engine_not_installed, and its probe says not installed', async () => {
    const missing = adapter.create(join(ws.workingDir, 'no-such-binary'));
    const error = await ws.run(missing, 'execute', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'engine_not_installed', retryable: false });
    await expect(missing.probe()).resolves.toMatchObject({
      engine_id: adapter.engineId,
      installed: false,
      version: null,
    });
  });

  it('probe reports the installed version', async () => {
    await expect(engine.probe()).resolves.toEqual({
      engine_id: adapter.engineId,
      binary: adapter.fakeBinary,
      installed: true,
      version: adapter.fakeVersion,
      error: null,
    });
  });
});
