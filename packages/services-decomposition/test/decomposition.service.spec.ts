import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError, NotFoundError, ValidationError } from '@tasksgodzilla/core';
import {
  createCodexEngine,
  createEngineRegistry,
  createShellEngine,
  type Engine,
} from '@tasksgodzilla/platform-engines';
import {
  createTestTelemetry,
  fakeArgvFile,
  fakeCliOptions,
  useProcessEnv,
  type TestTelemetry,
} from '@tasksgodzilla/service-testing';
import { createPromptService } from '@tasksgodzilla/services-prompts';
import { createTempDir, type TempDir } from '@tasksgodzilla/testing';
import {
  createDecompositionService,
  decomposedContent,
  type DecomposeInput,
  type DecompositionConfig,
  type DecompositionServiceDeps,
} from '../src/index.js';
import { testConfig } from './harness.js';

const SETUP = '# 00 Setup\n\n- install\n';
const LONG = [
  '# 01 Greeting',
  '',
  ...Array.from({ length: 14 }, (_, i) => `${i + 1}. do part ${i + 1}`),
  '',
  '```sh check',
  'test -f README.md',
  '```',
  '',
].join('\n');
const SIMPLE = '# 02 Docs\n\n- document greet()\n';
const REFINED = [
  '# 01 Greeting',
  '',
  '1. Create src/greeting.ts',
  '2. Export greet(name)',
  '3. Add a test',
  '',
  '```sh check',
  'test -f README.md',
  '```',
].join('\n');

function answer(text: string): unknown[] {
  return [
    { type: 'thread.started', thread_id: 'decompose' },
    { type: 'turn.started' },
    { type: 'item.completed', item: { id: 'item_0', type: 'agent_message', text } },
    { type: 'turn.completed', usage: { input_tokens: 1000, cached_input_tokens: 100, output_tokens: 50 } },
  ];
}

describe('DecompositionService', () => {
  let dir: TempDir;
  let protocolRoot: string;
  let tel: TestTelemetry;
  const prompts = createPromptService();

  beforeEach(() => {
    dir = createTempDir('tgz-decompose-');
    protocolRoot = join(dir.path, 'worktree', '.protocols', '0001-demo');
    mkdirSync(protocolRoot, { recursive: true });
    writeFileSync(join(protocolRoot, 'plan.md'), '# Plan\n\nGreeting feature.\n');
    writeFileSync(join(protocolRoot, '00-setup.md'), SETUP);
    writeFileSync(join(protocolRoot, '01-greeting.md'), LONG);
    writeFileSync(join(protocolRoot, '02-docs.md'), SIMPLE);
    tel = createTestTelemetry();
  });
  afterEach(() => dir.remove());

  const argvFile = () => fakeArgvFile(dir.path);
  const read = (name: string) => readFileSync(join(protocolRoot, name), 'utf8');
  const codex = (fixture: unknown[] | string, env: Record<string, string> = {}): Engine =>
    createCodexEngine(fakeCliOptions(dir.path, 'codex', fixture, { env }));

  function service(
    engine: Engine,
    config: Partial<DecompositionConfig> = {},
    deps: Partial<DecompositionServiceDeps> = {},
  ) {
    return createDecompositionService({
      engines: createEngineRegistry([engine]),
      prompts,
      telemetry: tel.telemetry,
      config: testConfig(config),
      ...deps,
    });
  }

  function input(engineId: string, overrides: Partial<DecomposeInput> = {}): DecomposeInput {
    return {
      protocolRoot,
      protocolName: '0001-demo',
      workingDir: join(dir.path, 'worktree'),
      engineId,
      logPath: join(dir.path, 'runs', 'decompose.log'),
      ...overrides,
    };
  }

  describe('with worker secrets and an opted-in variable in the environment', () => {
    useProcessEnv({ TASKSGODZILLA_API_TOKEN: 'canary-worker-api-token', OPTED_IN_TOKEN: 'opted-in-value' });

    it("gives the engine the project's opted-in env only and redacts secret values from its log and the step files", async () => {
      const envFile = join(dir.path, 'engine.env');
      const fixture = answer(`${REFINED}\n\nUse key decompose-project-secret and config-secret-value.`);
      const engine = createCodexEngine(fakeCliOptions(dir.path, 'codex', fixture, { envFile }));
      const svc = service(engine, {}, { redactValues: ['config-secret-value'] });
      const logPath = join(dir.path, 'runs', 'decompose.log');
      const result = await svc.decomposeStep({
        ...input('codex', { logPath }),
        file: '01-greeting.md',
        project: {
          secrets: {
            deploy_key: 'decompose-project-secret',
            env: { PROJECT_MODE: 'decompose-mode' },
            env_passthrough: ['OPTED_IN_TOKEN'],
          },
        },
      });
      expect(result.decomposed).toEqual(['01-greeting.md']);
      const env = readFileSync(envFile, 'utf8');
      expect(env).toContain('PROJECT_MODE=decompose-mode');
      expect(env).toContain('OPTED_IN_TOKEN=opted-in-value');
      expect(env).not.toContain('canary-');
      expect(read('01-greeting.md')).toContain('Use key [REDACTED] and [REDACTED].');
      expect(readFileSync(logPath, 'utf8')).not.toMatch(/decompose-project-secret|config-secret-value/);
    });
  });

  it('rewrites every numbered step file except 00-setup with the refined answer (read-only engine run)', async () => {
    const engine = codex(answer(`\`\`\`markdown\n${REFINED}\n\`\`\``));
    const result = await service(engine, { decomposeModel: 'gpt-decompose' }).decomposeProtocol(input('codex'));

    expect(result).toMatchObject({
      model: 'gpt-decompose',
      decomposed: ['01-greeting.md', '02-docs.md'],
      skipped: [],
      failed: [],
      reasons: {},
    });
    expect(read('01-greeting.md')).toBe(`${REFINED}\n`);
    expect(read('02-docs.md')).toBe(`${REFINED}\n`);
    expect(read('00-setup.md')).toBe(SETUP);
    expect(result.usage).toEqual({
      input_tokens: 2000,
      cached_input_tokens: 200,
      output_tokens: 100,
      reasoning_tokens: 0,
      total_tokens: 2100,
    });
    expect(readdirSync(protocolRoot).sort()).toEqual(['00-setup.md', '01-greeting.md', '02-docs.md', 'plan.md']);

    const recorded = JSON.parse(readFileSync(argvFile(), 'utf8')) as { argv: string[]; stdin: string };
    expect(recorded.argv).toEqual(expect.arrayContaining(['--sandbox', 'read-only', '--model', 'gpt-decompose']));
    expect(recorded.stdin).toContain('Greeting feature.');
    expect(recorded.stdin).toContain(SIMPLE.trim());
    expect(await tel.metrics.text()).toContain(
      'tokens_used_total{phase="decompose",model="gpt-decompose",engine="codex",kind="input"} 2000',
    );
  });

  it('an answer that keeps every check in a ```checks fence (the form the prompt teaches) is accepted', async () => {
    const refined = [
      '# 01 Greeting',
      '',
      '1. Create src/greeting.ts',
      '',
      '```checks',
      'test -f README.md',
      'test -f src/greeting.ts',
      '```',
    ].join('\n');
    const result = await service(codex(answer(refined))).decomposeStep({ ...input('codex'), file: '01-greeting.md' });
    expect(result.decomposed).toEqual(['01-greeting.md']);
    expect(read('01-greeting.md')).toBe(`${refined}\n`);
    const recorded = JSON.parse(readFileSync(argvFile(), 'utf8')) as { stdin: string };
    expect(recorded.stdin).toContain('info string is `checks`, one command per line');
  });

  it('skip-simple: simple steps (numbered lists counted) are skipped, others decomposed', async () => {
    const engine = codex(answer(REFINED));
    const result = await service(engine).decomposeProtocol(input('codex', { skipSimple: true, model: 'gpt-arg' }));
    expect(result).toMatchObject({
      model: 'gpt-arg',
      decomposed: ['01-greeting.md'],
      skipped: ['02-docs.md'],
      failed: [],
      reasons: { '02-docs.md': 'simple step' },
    });
    expect(read('02-docs.md')).toBe(SIMPLE);
    expect(result.usage?.input_tokens).toBe(1000);
  });

  it('config skipSimpleDecompose is the default of skipSimple', async () => {
    const result = await service(codex(answer(REFINED)), { skipSimpleDecompose: true }).decomposeProtocol(
      input('codex'),
    );
    expect(result.skipped).toEqual(['02-docs.md']);
  });

  it.each([
    ['a failed run', () => 'exit0-failed', /^engine run failed: unexpected status 400/],
    ['a run without a terminal event', () => 'no-terminal', /^engine run no_terminal_event/],
    ['an empty answer', () => answer('   \n'), /^empty answer$/],
    [
      'an answer that drops a check',
      () => answer('# 01 Greeting\n\n1. just do it\n'),
      /^answer dropped check command\(s\): test -f README\.md$/,
    ],
  ])('%s never overwrites the step file: skipped with the reason', async (_name, fixture, reason) => {
    const result = await service(codex(fixture() as never)).decomposeStep({
      ...input('codex'),
      file: '01-greeting.md',
    });
    expect(result.decomposed).toEqual([]);
    expect(result.skipped).toEqual(['01-greeting.md']);
    expect(result.failed).toEqual(['01-greeting.md']);
    expect(result.reasons?.['01-greeting.md']).toMatch(reason);
    expect(read('01-greeting.md')).toBe(LONG);
    expect(existsSync(join(protocolRoot, '.01-greeting.md.decomposing'))).toBe(false);
  });

  it('a stalled engine is killed and the file kept', async () => {
    const result = await service(codex('hang', { FAKE_ENGINE_HANG: 'end' }), {
      engineStallTimeoutSeconds: 1,
    }).decomposeStep({ ...input('codex'), file: '01-greeting.md' });
    expect(result.reasons?.['01-greeting.md']).toMatch(/^engine run stalled/);
    expect(read('01-greeting.md')).toBe(LONG);
  });

  it('an engine that cannot run (not installed, or the shell engine without a template) keeps the file', async () => {
    const missing = createCodexEngine({ binary: join(dir.path, 'no-codex') });
    const first = await service(missing).decomposeStep({ ...input('codex'), file: '01-greeting.md' });
    expect(first.reasons?.['01-greeting.md']).toMatch(/^engine codex could not run: Codex CLI is not installed/);
    const shell = await service(createShellEngine()).decomposeProtocol(input('shell'));
    expect(shell.failed).toEqual(['01-greeting.md', '02-docs.md']);
    expect(shell.reasons?.['02-docs.md']).toMatch(/^engine shell could not run: .*templateDir/);
    expect(read('01-greeting.md')).toBe(LONG);
    expect(read('02-docs.md')).toBe(SIMPLE);
  });

  it('an aborted signal stops the remaining files', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await service(codex(answer(REFINED))).decomposeProtocol(
      input('codex', { signal: controller.signal }),
    );
    expect(result.failed).toEqual(['01-greeting.md', '02-docs.md']);
    expect(result.reasons?.['01-greeting.md']).toBe('interrupted before start');
    expect(existsSync(argvFile())).toBe(false);
  });

  it('bad input is rejected before any engine run', async () => {
    const svc = service(codex(answer(REFINED)));
    await expect(svc.decomposeProtocol(input('codex', { files: ['../escape.md'] }))).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(svc.decomposeProtocol(input('codex', { files: ['plan.md'] }))).rejects.toBeInstanceOf(ValidationError);
    await expect(svc.decomposeStep({ ...input('codex'), file: '09-missing.md' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      svc.decomposeProtocol(input('codex', { workingDir: join(dir.path, 'nowhere') })),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(svc.decomposeProtocol(input('nope'))).rejects.toBeInstanceOf(EngineError);
    await expect(
      svc.decomposeProtocol(input('codex', { protocolRoot: join(dir.path, 'missing') })),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(existsSync(argvFile())).toBe(false);
    expect(read('01-greeting.md')).toBe(LONG);
  });

  it('isSimpleStep counts numbered lists', () => {
    const svc = service(createShellEngine());
    expect(svc.isSimpleStep(SIMPLE)).toBe(true);
    expect(svc.isSimpleStep(['1. a', '2. b', '3. c', '4. d', '5. e', '6. f', '7. g'].join('\n'))).toBe(false);
  });
});

describe('decomposedContent', () => {
  it.each([
    ['# A\n\n- x', '# A\n\n- x\n'],
    ['\n\n# A\n', '# A\n'],
    ['```markdown\n# A\n```', '# A\n'],
    ['```md\n# A\n\n```sh\necho hi\n```\n```', '# A\n\n```sh\necho hi\n```\n'],
    ['````\n# A\n````', '# A\n'],
    ['```sh\necho only\n```', '```sh\necho only\n```\n'],
  ])('%j → %j', (raw, expected) => {
    expect(decomposedContent(raw)).toBe(expected);
  });

  it.each([[null], [''], ['   '], ['```markdown\n\n```']])('%j → null', (raw) => {
    expect(decomposedContent(raw)).toBeNull();
  });
});
