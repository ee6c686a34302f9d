import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeWorkspace, FAKE_ENGINES_DIR, fakeBinary } from '../testing/fake-engines.test-helpers.js';
import {
  CLAUDE_FULL_ACCESS_TOOLS,
  CLAUDE_READ_ONLY_TOOLS,
  CLAUDE_WORKSPACE_WRITE_TOOLS,
  createClaudeCodeEngine,
} from './claude-code.engine.js';

describe('claude-code adapter (contract, fake claude CLI)', () => {
  const ws = useFakeWorkspace();
  const engine = createClaudeCodeEngine({ binary: fakeBinary('claude'), killGraceMs: 300, runningAsRoot: false });

  it('builds `claude -p --output-format stream-json --verbose` with a never-ask permission mode', async () => {
    const schema = { type: 'object', required: ['plan_md'] };
    await ws.run(
      engine,
      'plan',
      { FAKE_ENGINE_FIXTURE: 'success' },
      { model: 'claude-sonnet-4-5', outputSchema: schema, maxBudgetUsd: 1.5, maxTurns: 12, addDirs: ['/tmp/extra'] },
    );
    const { argv, cwd, stdin } = ws.argv();
    expect(argv.slice(0, 4)).toEqual(['-p', '--output-format', 'stream-json', '--verbose']);
    expect(argv).toEqual(
      expect.arrayContaining([
        '--model',
        'claude-sonnet-4-5',
        '--permission-mode',
        'dontAsk',
        '--allowedTools',
        CLAUDE_READ_ONLY_TOOLS.join(','),
        '--disallowedTools',
        'AskUserQuestion',
        '--add-dir',
        '/tmp/extra',
        '--max-budget-usd',
        '1.5',
        '--max-turns',
        '12',
        '--json-schema',
        JSON.stringify(schema),
      ]),
    );
    expect(cwd).toBe(ws.workingDir);
    expect(stdin).toBe('Add a greeting module with a test.');
  });

  it('maps workspace-write and danger-full-access to permission flags', async () => {
    await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'success' });
    expect(ws.argv().argv).toEqual(
      expect.arrayContaining([
        '--permission-mode',
        'dontAsk',
        '--allowedTools',
        CLAUDE_WORKSPACE_WRITE_TOOLS.join(','),
      ]),
    );
    await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'success' }, { sandbox: 'danger-full-access' });
    expect(ws.argv().argv).toEqual(expect.arrayContaining(['--permission-mode', 'bypassPermissions']));
    expect(ws.argv().argv).not.toContain('--allowedTools');
  });

  it('success: events, usage with cache tokens, USD cost, final message, session', async () => {
    const { result, events } = await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'success' });
    expect(result).toMatchObject({
      engine_id: 'claude-code',
      outcome: 'succeeded',
      session_id: '8f3b6c1e-2c4a-4f0e-9a51-3d2f6b7e9c10',
      usage: {
        input_tokens: 12 + 6120 + 45210,
        cached_input_tokens: 45210,
        output_tokens: 812,
        total_tokens: 12 + 6120 + 45210 + 812,
      },
      cost_usd: 0.0421735,
      final_message: 'Added `src/greeting.ts` exporting `greet(name)`; `npm test` passes.',
      exit_code: 0,
    });
    expect(events[0]).toEqual({
      type: 'session',
      session_id: '8f3b6c1e-2c4a-4f0e-9a51-3d2f6b7e9c10',
      model: 'claude-sonnet-4-5-20250929',
    });
    expect(events.map((e) => e.type)).toEqual([
      'session',
      'message',
      'tool',
      'tool',
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
    expect(events.find((e) => e.type === 'file_change')).toMatchObject({ paths: ['/work/repo/src/greeting.ts'] });
    expect(
      events.filter((e) => e.type === 'tool' && e.phase === 'end').map((e) => e.type === 'tool' && e.name),
    ).toEqual(['Bash', 'Write', 'Bash']);
  });

  it('takes structured_output from the result event', async () => {
    const { result } = await ws.run(
      engine,
      'plan',
      { FAKE_ENGINE_FIXTURE: 'structured-output' },
      { outputSchema: { type: 'object' } },
    );
    expect(result.structured_output).toEqual({
      plan_md: '# Plan',
      context_md: 'ctx',
      log_md: '',
      step_files: [{ filename: '01-a.md', content: '# A' }],
    });
  });

  it('as root, danger-full-access is dontAsk with every tool pre-approved (Claude Code refuses bypassPermissions for root)', async () => {
    const asRoot = createClaudeCodeEngine({ binary: fakeBinary('claude'), killGraceMs: 300, runningAsRoot: true });
    await ws.run(asRoot, 'execute', { FAKE_ENGINE_FIXTURE: 'success' }, { sandbox: 'danger-full-access' });
    const { argv } = ws.argv();
    expect(argv).not.toContain('bypassPermissions');
    expect(argv).toEqual(
      expect.arrayContaining(['--permission-mode', 'dontAsk', '--allowedTools', CLAUDE_FULL_ACCESS_TOOLS.join(',')]),
    );
  });

  it('pre-approves only tools that the real Claude Code 2.1 still has (no LS, TodoWrite, MultiEdit)', () => {
    const init = JSON.parse(
      readFileSync(join(FAKE_ENGINES_DIR, 'fixtures/claude-code/real-2.1-success.jsonl'), 'utf8').split('\n')[0] ??
        '{}',
    );
    const realTools: string[] = init.tools;
    for (const tool of CLAUDE_FULL_ACCESS_TOOLS) expect(realTools).toContain(tool);
    for (const gone of ['LS', 'TodoWrite', 'MultiEdit']) expect(CLAUDE_FULL_ACCESS_TOOLS).not.toContain(gone);
  });

  it('an HTTP 401 api_retry fails fast instead of waiting out the retries (real 2.1 stream, CLI still retrying)', async () => {
    const { result, events } = await ws.run(
      engine,
      'execute',
      { FAKE_ENGINE_FIXTURE: 'real-2.1-api-retry-401', FAKE_ENGINE_HANG: 'end' },
      { stallTimeoutMs: 60_000, timeoutMs: 120_000 },
    );
    expect(result.outcome).toBe('failed');
    expect(result.reason).toContain('API error 401: authentication_failed');
    expect(result.errors[0]).toBe('API error 401: authentication_failed');
    expect(events.filter((e) => e.type === 'error')[0]).toEqual({
      type: 'error',
      message: 'API error 401: authentication_failed',
      fatal: true,
    });
  });

  it('a retried 529 is a warning, and the run still succeeds', async () => {
    const { result } = await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'api-retry-then-success' });
    expect(result.outcome).toBe('succeeded');
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual(['API error 529: overloaded (retry 1/10)']);
  });

  it("the CLI's stderr reaches reason and errors even when the stream gives a reason", async () => {
    const { result } = await ws.run(engine, 'execute', {
      FAKE_ENGINE_FIXTURE: 'failure',
      FAKE_ENGINE_EXIT_CODE: '1',
      FAKE_ENGINE_STDERR: 'Error: settings file is invalid',
    });
    expect(result.outcome).toBe('failed');
    expect(result.reason).toContain('spawn /bin/sh ENOENT');
    expect(result.reason).toContain('(stderr: Error: settings file is invalid)');
    expect(result.errors).toContain('stderr: Error: settings file is invalid');
  });

  it('a requested model alias is passed as --model; result.model is the model the init event names', async () => {
    const aliased = await ws.run(engine, 'execute', { FAKE_ENGINE_FIXTURE: 'real-2.1-success' }, { model: 'opus' });
    expect(ws.argv().argv).toEqual(expect.arrayContaining(['--model', 'opus']));
    expect(aliased.result.model).toBe('claude-opus-5-5');
  });
});
