import { join } from 'node:path';
import { EngineError } from '@tasksgodzilla/core';
import type { Engine, EngineEvent } from '../engine.types.js';
import { useFakeWorkspace, fakeBinary, readPid, waitForExit } from '../testing/fake-engines.test-helpers.js';
import { createClaudeCodeEngine } from './claude-code.engine.js';
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
  garbageLines: number;
  failureReason: string;
  exit0FailedReason: string;
  permissionDeniedReason: string;
}

const ADAPTERS: AdapterCase[] = [
  {
    engineId: 'codex',
    create: (binary) => createCodexEngine({ binary, killGraceMs: 300 }),
    fakeBinary: fakeBinary('codex'),
    fakeVersion: '0.63.0',
    upEvent: 'session',
    garbageLines: 5,
    failureReason: 'stream disconnected',
    exit0FailedReason: 'not supported',
    permissionDeniedReason: 'npm install left-pad',
  },
  {
    engineId: 'claude-code',
    create: (binary) => createClaudeCodeEngine({ binary, killGraceMs: 300, runningAsRoot: false }),
    fakeBinary: fakeBinary('claude'),
    fakeVersion: '2.0.55',
    upEvent: 'message',
    garbageLines: 4,
    failureReason: 'spawn /bin/sh ENOENT',
    exit0FailedReason: 'API error 429',
    permissionDeniedReason: 'Bash',
  },
  {
    engineId: 'opencode',
    create: (binary) => createOpencodeEngine({ binary, killGraceMs: 300 }),
    fakeBinary: fakeBinary('opencode'),
    fakeVersion: '1.0.119',
    upEvent: 'session',
    garbageLines: 3,
    failureReason: 'APIError: Overloaded',
    exit0FailedReason: 'ProviderAuthError',
    permissionDeniedReason: 'bash',
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
    expect(events.at(-1)).toMatchObject({ type: 'terminal', outcome: 'no_terminal_event' });
  });

  it('garbage lines are skipped and counted; the outcome comes from the rest', async () => {
    const { result } = await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'garbage' });
    expect(result.outcome).toBe('succeeded');
    expect(result.unparsed_lines).toBe(adapter.garbageLines);
  });

  it('a silent engine is stalled', async () => {
    const { result, events } = await ws.run(
      engine,
      'execute',
      { FAKE_ENGINE_FIXTURE: 'hang', FAKE_ENGINE_HANG: 'end' },
      { stallTimeoutMs: 500 },
    );
    expect(result.outcome).toBe('stalled');
    expect(result.reason).toContain('no output');
    expect(events.at(-1)).toMatchObject({ type: 'terminal', outcome: 'stalled' });
  });

  it('the wall-clock limit gives timeout even while output keeps coming', async () => {
    const { result } = await ws.run(
      engine,
      'execute',
      { FAKE_ENGINE_FIXTURE: 'success', FAKE_ENGINE_LINE_DELAY_MS: '200' },
      { timeoutMs: 600, stallTimeoutMs: 10_000 },
    );
    expect(result.outcome).toBe('timeout');
    expect(result.reason).toContain('wall-clock');
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
    expect(await waitForExit(readPid(pidFile))).toBe(true);
    expect(await waitForExit(readPid(childPidFile))).toBe(true);
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
