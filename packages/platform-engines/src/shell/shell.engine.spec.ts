import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '@tasksgodzilla/core';
import { createTempDir, type TempDir } from '@tasksgodzilla/testing';
import type { EngineEvent, EngineRequest } from '../engine.types.js';
import { pidFileExited } from '../testing/fake-engines.test-helpers.js';
import { createShellEngine } from './shell.engine.js';

const fence = '```';

function step(...parts: string[]): string {
  return parts.join('\n');
}

/** A fenced block (` ```<info> `) with the given lines. */
function block(info: string, ...lines: string[]): string {
  return step(fence + info, ...lines, fence);
}

describe('shell engine', () => {
  let tmp: TempDir;
  let work: string;
  let logPath: string;
  const engine = createShellEngine({ killGraceMs: 300 });

  const request = (overrides: Partial<EngineRequest> = {}): EngineRequest => ({
    prompt: '',
    workingDir: work,
    logPath,
    stallTimeoutMs: 10_000,
    timeoutMs: 20_000,
    ...overrides,
  });
  const writeStep = (name: string, content: string) => {
    writeFileSync(join(work, name), content);
    return name;
  };

  beforeEach(() => {
    tmp = createTempDir('tgz-shell-');
    work = join(tmp.path, 'worktree');
    mkdirSync(work);
    logPath = join(tmp.path, 'runs', 'shell.log');
  });
  afterEach(() => tmp.remove());

  describe('plan', () => {
    it('reads a protocol template into the planning shape, steps in numeric order', async () => {
      const template = join(tmp.path, 'template');
      mkdirSync(template);
      writeFileSync(join(template, 'plan.md'), '# Plan\n- [ ] build\n');
      writeFileSync(join(template, 'context.md'), 'Context.\n');
      writeFileSync(join(template, '10-finalize.md'), '# Finalize\n');
      writeFileSync(join(template, '01-build.md'), '# Build\n');
      writeFileSync(join(template, '00-setup.md'), '# Setup\n');
      writeFileSync(join(template, 'notes.md'), 'not a step\n');
      const events: EngineEvent[] = [];
      const result = await engine.plan(request({ templateDir: template, onEvent: (e) => events.push(e) }));
      const expected = {
        plan_md: '# Plan\n- [ ] build\n',
        context_md: 'Context.\n',
        log_md: '',
        step_files: [
          { filename: '00-setup.md', content: '# Setup\n' },
          { filename: '01-build.md', content: '# Build\n' },
          { filename: '10-finalize.md', content: '# Finalize\n' },
        ],
      };
      expect(result).toMatchObject({
        engine_id: 'shell',
        operation: 'plan',
        outcome: 'succeeded',
        structured_output: expected,
        cost_usd: 0,
      });
      expect(JSON.parse(result.final_message ?? '')).toEqual(expected);
      expect(result.usage).toEqual({
        input_tokens: 0,
        cached_input_tokens: 0,
        output_tokens: 0,
        reasoning_tokens: 0,
        total_tokens: 0,
      });
      expect(events.map((e) => e.type)).toEqual(['usage', 'message', 'terminal']);
    });

    it('rejects a missing template folder, plan.md or step files', async () => {
      await expect(engine.plan(request())).rejects.toThrow(ValidationError);
      await expect(engine.plan(request({ templateDir: join(tmp.path, 'nope') }))).rejects.toThrow(/does not exist/);
      const template = join(tmp.path, 'empty');
      mkdirSync(template);
      await expect(engine.plan(request({ templateDir: template }))).rejects.toThrow(/no plan.md/);
      writeFileSync(join(template, 'plan.md'), '# Plan');
      await expect(engine.plan(request({ templateDir: template }))).rejects.toThrow(/no numbered step files/);
    });
  });

  describe('execute', () => {
    it('runs the sh/bash blocks in order inside the working dir, skipping checks', async () => {
      const file = writeStep(
        '01-build.md',
        step(
          '# Build',
          block('sh', 'mkdir -p out', 'echo "hello" > out/greeting.txt'),
          'Text.',
          block('bash', 'test "$(cat out/greeting.txt)" = hello', 'echo "step=$TGZ_STEP_FILE"'),
          block('sh check', 'touch checked'),
        ),
      );
      const events: EngineEvent[] = [];
      const result = await engine.execute(request({ stepFile: file, onEvent: (e) => events.push(e) }));
      expect(result).toMatchObject({
        outcome: 'succeeded',
        exit_code: 0,
        final_message: 'Ran all 2 block(s) of 01-build.md successfully.',
      });
      expect(readFileSync(join(work, 'out', 'greeting.txt'), 'utf8')).toBe('hello\n');
      expect(existsSync(join(work, 'checked'))).toBe(false);
      const tools = events.filter((e): e is Extract<EngineEvent, { type: 'tool' }> => e.type === 'tool');
      expect(tools.map((t) => [t.phase, t.call_id, t.exit_code])).toEqual([
        ['start', 'block-1', null],
        ['end', 'block-1', 0],
        ['start', 'block-2', null],
        ['end', 'block-2', 0],
      ]);
      expect(tools[3]?.output).toBe(`step=${join(work, '01-build.md')}`);
      const log = readFileSync(logPath, 'utf8');
      expect(log).toContain('  | mkdir -p out');
      expect(log).toContain('step=');
      expect(log).toContain('outcome=succeeded');
    });

    it('stops at the first failing block (errexit and pipefail apply)', async () => {
      const file = writeStep(
        '02-fail.md',
        step(block('sh', 'touch first'), block('sh', 'false | true', 'touch not-reached'), block('sh', 'touch third')),
      );
      const result = await engine.execute(request({ stepFile: file }));
      expect(result.outcome).toBe('failed');
      expect(result.reason).toBe('block 2 (line 4) exited with 1');
      expect(result.exit_code).toBe(1);
      expect(existsSync(join(work, 'first'))).toBe(true);
      expect(existsSync(join(work, 'not-reached'))).toBe(false);
      expect(existsSync(join(work, 'third'))).toBe(false);
    });

    it('a block that prints a NEEDS_INPUT: block asks a person: the question is the final message, later blocks do not run', async () => {
      const file = writeStep(
        '03-ask.md',
        step(
          block('sh', 'touch first', 'echo "NEEDS_INPUT: Which port should the server use?"', 'echo "80 or 8080"'),
          block('sh', 'touch not-reached'),
        ),
      );
      const result = await engine.execute(request({ stepFile: file }));
      expect(result.outcome).toBe('succeeded');
      expect(result.final_message).toBe(
        '03-ask.md: block 1 (line 1) asked a person; 1 block(s) not run.\n\nNEEDS_INPUT: Which port should the server use?\n80 or 8080',
      );
      expect(existsSync(join(work, 'first'))).toBe(true);
      expect(existsSync(join(work, 'not-reached'))).toBe(false);
    });

    it('succeeds and says so when a step has no blocks', async () => {
      const result = await engine.execute(
        request({ stepFile: writeStep('00-setup.md', '# Setup\nNothing to run.\n') }),
      );
      expect(result).toMatchObject({
        outcome: 'succeeded',
        exit_code: null,
        final_message: '00-setup.md has no sh/bash blocks to run; nothing was executed.',
      });
    });

    it('kills a block on wall-clock timeout, with its children', async () => {
      const file = writeStep(
        '03-slow.md',
        block('sh', 'sleep 30 & echo $! > sleeper.pid', 'while true; do echo tick; sleep 0.05; done'),
      );
      const result = await engine.execute(request({ stepFile: file, timeoutMs: 700 }));
      expect(result.outcome).toBe('timeout');
      // Present unless the machine was too slow to start bash within the limit.
      const pidFile = join(work, 'sleeper.pid');
      if (existsSync(pidFile)) expect(await pidFileExited(pidFile)).toBe(true);
    });

    it('stalls a silent block and interrupts on abort', async () => {
      const file = writeStep('04-hang.md', block('sh', 'echo started', 'sleep 30'));
      expect((await engine.execute(request({ stepFile: file, stallTimeoutMs: 400 }))).outcome).toBe('stalled');
      const controller = new AbortController();
      const aborted = await engine.execute(
        request({ stepFile: file, signal: controller.signal, onEvent: (e) => e.type === 'tool' && controller.abort() }),
      );
      expect(aborted.outcome).toBe('interrupted');
    });

    it('requires an existing step file', async () => {
      await expect(engine.execute(request())).rejects.toThrow(ValidationError);
      await expect(engine.execute(request({ stepFile: 'missing.md' }))).rejects.toThrow(/does not exist/);
    });
  });

  describe('qa', () => {
    it('runs every check and ends the report with Verdict: PASS', async () => {
      writeFileSync(join(work, 'app.txt'), 'hello\n');
      const file = writeStep(
        '01-build.md',
        step(
          '# Build',
          block('sh', 'touch should-not-run'),
          block('sh check', 'test -f app.txt'),
          '## Checks',
          block('bash', 'grep -q hello app.txt'),
        ),
      );
      const result = await engine.qa(request({ stepFile: file }));
      expect(result.outcome).toBe('succeeded');
      expect(result.final_message?.split('\n').at(-1)).toBe('Verdict: PASS');
      expect(result.final_message).toContain('1. PASS: `test -f app.txt`');
      expect(result.structured_output).toMatchObject({
        verdict: 'PASS',
        checks: [
          { passed: true, exit_code: 0 },
          { passed: true, exit_code: 0 },
        ],
      });
      expect(existsSync(join(work, 'should-not-run'))).toBe(false);
    });

    it('runs each line of a ```checks fence as its own check; execute never runs them', async () => {
      writeFileSync(join(work, 'app.txt'), 'hello\n');
      const file = writeStep(
        '01-build.md',
        step('# Build', block('checks', 'test -f app.txt', '', 'grep -q hello app.txt', 'echo "no world" >&2; exit 4')),
      );
      const executed = await engine.execute(request({ stepFile: file }));
      expect(executed.final_message).toBe('01-build.md has no sh/bash blocks to run; nothing was executed.');
      const result = await engine.qa(request({ stepFile: file }));
      expect(result.structured_output).toMatchObject({
        verdict: 'FAIL',
        checks: [
          { index: 1, line: 3, command: 'test -f app.txt', exit_code: 0, passed: true },
          { index: 2, line: 5, command: 'grep -q hello app.txt', exit_code: 0, passed: true },
          { index: 3, line: 6, command: 'echo "no world" >&2; exit 4', exit_code: 4, passed: false },
        ],
      });
      expect(result.final_message).toContain('3. FAIL: `echo "no world" >&2; exit 4` (line 6, exit 4)');
      expect(result.final_message).toContain('no world');
    });

    it('a failing check gives Verdict: FAIL with its output, after running all checks', async () => {
      const file = writeStep(
        '01-build.md',
        step('## Checks', block('sh', 'echo "missing dist/app.js" >&2; exit 3'), block('sh', 'touch second-ran')),
      );
      const result = await engine.qa(request({ stepFile: file }));
      expect(result.outcome).toBe('succeeded');
      expect(result.final_message).toMatch(/Verdict: FAIL$/);
      expect(result.final_message).toContain('missing dist/app.js');
      expect(result.final_message).toContain('1 passed, 1 failed.');
      expect(existsSync(join(work, 'second-ran'))).toBe(true);
    });

    it('a step without checks is FAIL by default (nothing verified), PASS when configured', async () => {
      const file = writeStep('01-build.md', '# Build\n');
      const result = await engine.qa(request({ stepFile: file }));
      expect(result).toMatchObject({ outcome: 'succeeded', reason: 'no checks found' });
      expect(result.final_message).toMatch(/No checks found[\s\S]*Verdict: FAIL$/);
      const lenient = createShellEngine({ noChecksVerdict: 'PASS' });
      expect((await lenient.qa(request({ stepFile: file }))).final_message).toMatch(/Verdict: PASS$/);
    });

    it('a check that times out is a timeout outcome whose report never passes', async () => {
      const file = writeStep('01-build.md', block('sh check', 'while true; do echo tick; sleep 0.05; done'));
      const result = await engine.qa(request({ stepFile: file, timeoutMs: 500 }));
      expect(result.outcome).toBe('timeout');
      expect(result.final_message).toMatch(/Stopped early[\s\S]*Verdict: FAIL$/);
    });
  });

  it('probe finds bash', async () => {
    const probe = await engine.probe();
    expect(probe).toMatchObject({ engine_id: 'shell', binary: 'bash', installed: true, error: null });
    expect(probe.version).toMatch(/^\d+\.\d+/);
    expect(await createShellEngine({ bash: join(tmp.path, 'no-bash') }).probe()).toMatchObject({ installed: false });
  });
});
