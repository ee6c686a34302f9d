import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError, NotFoundError } from '@tasksgodzilla/core';
import {
  createCodexEngine,
  createEngineRegistry,
  createShellEngine,
  type Engine,
} from '@tasksgodzilla/platform-engines';
import {
  fakeArgvFile,
  fakeCliOptions,
  project,
  readFakeArgv,
  useProcessEnv,
  useStepWorkspace,
  workspaceStepInput,
  writeFixture,
} from '@tasksgodzilla/service-testing';
import { createPromptService, extractStepFileExample } from '@tasksgodzilla/services-prompts';
import { extractChecks, type QaPolicy, type StepSpec } from '@tasksgodzilla/services-spec';
import { createQualityService } from '../src/quality.service.js';
import type { QaInput, QualityConfig, QualityServiceDeps } from '../src/quality.types.js';
import { determineVerdict } from '../src/verdict.js';
import { testConfig } from './harness.js';

const STEPS = {
  '01-build.md': ['# 01 Build', '', 'Build it.', '', '```sh check', 'test -f README.md', '```', ''].join('\n'),
  '02-broken.md': [
    '# 02 Broken',
    '',
    '## Checks',
    '',
    '```sh',
    'test -f README.md',
    '```',
    '',
    '```sh',
    'echo "missing.txt not found" >&2',
    'test -f missing.txt',
    '```',
    '',
  ].join('\n'),
  '03-shell.md': ['# 03 Shell checks', '', '## Checks', '', '```sh', 'test -f README.md', '```', ''].join('\n'),
  '04-plain.md': '# 04 Plain\n\nNo checks here.\n',
  '05-both.md': ['# 05 Both', '', '```sh check', 'echo run >> qa-count.txt', '```', ''].join('\n'),
};

function agentMessage(
  text: string,
  usage = { input_tokens: 1200, cached_input_tokens: 200, output_tokens: 80 },
): unknown[] {
  return [
    { type: 'thread.started', thread_id: 'qa-thread' },
    { type: 'turn.started' },
    { type: 'item.completed', item: { id: 'item_0', type: 'agent_message', text } },
    { type: 'turn.completed', usage },
  ];
}

const PASS_JSON = JSON.stringify({ verdict: 'PASS', summary: 'The step is done and tested.', issues: [] });
const FAIL_JSON = JSON.stringify({
  verdict: 'FAIL',
  summary: 'Tests are missing.',
  issues: ['No test covers greet()'],
});

function spec(name: string, qa: StepSpec['qa'], extra: Partial<StepSpec> = {}): StepSpec {
  return { id: name, name, engine_id: null, prompt_ref: name, qa, ...extra };
}

/** The spec entry of a step with the given QA policy and declared checks. */
function specWithChecks(name: string, policy: QaPolicy, checks: string[]): StepSpec {
  return spec(name, { policy }, { checks });
}

describe('QualityService', () => {
  const suite = useStepWorkspace(STEPS);
  const prompts = createPromptService();

  function service(engines: Engine[], config: Partial<QualityConfig> = {}, deps: Partial<QualityServiceDeps> = {}) {
    return createQualityService({
      engines: createEngineRegistry(engines, { defaultEngineId: engines[0]?.id }),
      git: suite.ws.git,
      prompts,
      telemetry: suite.tel.telemetry,
      config: testConfig({ defaultEngine: engines[0]?.id ?? 'shell', ...config }),
      ...deps,
    });
  }

  function input(stepName: string, stepSpec: StepSpec | null, overrides: Partial<QaInput> = {}): QaInput {
    return {
      ...workspaceStepInput(suite.ws, { step_name: stepName }),
      spec: stepSpec ? { steps: [stepSpec] } : null,
      stepSpec,
      jobId: 'job-qa',
      ...overrides,
    };
  }

  const argvFile = () => fakeArgvFile(suite.ws.dir.path);
  const codex = (fixture: unknown[] | string, env: Record<string, string> = {}): Engine =>
    createCodexEngine(fakeCliOptions(suite.ws.dir.path, 'codex', fixture, { env }));
  const recordedArgv = () => readFakeArgv(suite.ws.dir.path);
  const qualityDir = () => join(suite.ws.protocolRoot, 'quality');

  describe('policy skip', () => {
    it('SKIPPED without checks: no engine, no report file', async () => {
      const result = await service([codex(agentMessage(PASS_JSON))]).runQa(
        input('04-plain.md', spec('04-plain.md', { policy: 'skip' })),
      );
      expect(result).toMatchObject({ outcome: 'SKIPPED', policy: 'skip', report_path: null, agent: null, checks: [] });
      expect(existsSync(qualityDir())).toBe(false);
      expect(existsSync(argvFile())).toBe(false);
    });

    it('with checks: runs only the checks', async () => {
      const result = await service([codex(agentMessage(PASS_JSON))]).runQa(
        input('01-build.md', specWithChecks('01-build.md', 'skip', ['test -f README.md'])),
      );
      expect(result.outcome).toBe('PASS');
      expect(result.agent).toBeNull();
      expect(result.checks).toEqual([
        expect.objectContaining({ command: 'test -f README.md', exit_code: 0, passed: true }),
      ]);
      expect(existsSync(argvFile())).toBe(false);
      expect(result.report_path).toBe(join(qualityDir(), '01-build-1.md'));
    });

    it("a light override (the orchestrator's inline QA) does not bring the agent back", async () => {
      const result = await service([codex(agentMessage(PASS_JSON))]).runQa(
        input('01-build.md', specWithChecks('01-build.md', 'skip', ['test -f README.md']), {
          policyOverride: 'light',
        }),
      );
      expect(result).toMatchObject({ outcome: 'PASS', policy: 'skip', agent: null });
      expect(existsSync(argvFile())).toBe(false);
    });

    it('shouldEvaluate: a policy other than skip, or declared checks', () => {
      const svc = service([createShellEngine()]);
      expect(svc.shouldEvaluate(null)).toBe(true);
      expect(svc.shouldEvaluate(spec('a', { policy: null }))).toBe(true);
      expect(svc.shouldEvaluate(spec('a', { policy: 'light' }))).toBe(true);
      expect(svc.shouldEvaluate(spec('a', { policy: 'skip' }))).toBe(false);
      expect(svc.shouldEvaluate(specWithChecks('a', 'skip', ['npm test']))).toBe(true);
    });
  });

  describe('agent QA (fake codex)', () => {
    it('full PASS with structured output: checks run first, report ends with the verdict', async () => {
      const engine = codex(agentMessage(PASS_JSON));
      const result = await service([engine]).runQa(
        input('01-build.md', null, { project: project({ default_models: { qa: 'gpt-qa' } }) }),
      );

      expect(result.outcome).toBe('PASS');
      expect(result.policy).toBe('full');
      expect(result.agent).toEqual({ verdict: 'PASS', outcome: 'succeeded', engine_id: 'codex', model: 'gpt-qa' });
      expect(result.checks).toEqual([expect.objectContaining({ command: 'test -f README.md', passed: true })]);
      expect(result.usage).toMatchObject({ input_tokens: 1200, output_tokens: 80 });
      expect(result.error).toBeNull();
      expect(result.prompt_version).toMatch(/^[0-9a-f]{12}$/);

      const argv = recordedArgv();
      expect(argv.argv).toEqual(
        expect.arrayContaining(['--sandbox', 'read-only', '--model', 'gpt-qa', '--output-schema']),
      );
      expect(argv.stdin).toContain('`test -f README.md`: exit 0 (passed)');
      expect(argv.stdin).toContain('Latest commit message: plan 0001-demo');
      expect(argv.stdin).toContain('Build it.');
      expect(argv.stdin).not.toContain('Keep this QA brief');

      expect(result.report_path).toBe(join(qualityDir(), '01-build-1.md'));
      const report = readFileSync(result.report_path!, 'utf8');
      expect(report).toBe(result.report);
      expect(report).toContain('The step is done and tested.');
      expect(report.trimEnd().split('\n').at(-1)).toBe('Verdict: PASS');
      expect(determineVerdict(report)).toBe('PASS');
      expect(await suite.tel.metrics.text()).toContain('qa_verdict_total{verdict="pass"} 1');
      expect(await suite.tel.metrics.text()).toContain(
        'tokens_used_total{phase="qa",model="gpt-qa",engine="codex",kind="input"} 1200',
      );
    });

    it('light FAIL from a markdown verdict line (no structured answer)', async () => {
      const engine = codex(agentMessage('## Findings\n\n- greet() has no test.\n\n**Verdict:** FAIL'));
      const result = await service([engine]).runQa(
        input('04-plain.md', spec('04-plain.md', { policy: 'light', model: 'spec-qa-model' })),
      );
      expect(result.outcome).toBe('FAIL');
      expect(result.policy).toBe('light');
      expect(result.agent).toMatchObject({ verdict: 'FAIL', outcome: 'succeeded', model: 'spec-qa-model' });
      expect(recordedArgv().stdin).toContain('Keep this QA brief');
      expect(result.report).toContain('greet() has no test.');
      expect(result.report.trimEnd().endsWith('Verdict: FAIL')).toBe(true);
    });

    it('structured FAIL lists the issues', async () => {
      const result = await service([codex(agentMessage(FAIL_JSON))]).runQa(input('04-plain.md', null));
      expect(result.outcome).toBe('FAIL');
      expect(result.report).toContain('- No test covers greet()');
    });

    it('a failing check is FAIL even when the agent says PASS', async () => {
      const result = await service([codex(agentMessage(PASS_JSON))]).runQa(input('02-broken.md', null));
      expect(result.outcome).toBe('FAIL');
      expect(result.agent?.verdict).toBe('PASS');
      expect(result.checks.map((c) => c.passed)).toEqual([true, false]);
      expect(result.checks[1]).toMatchObject({ exit_code: 1, output_tail: 'missing.txt not found' });
      expect(result.reason).toMatch(
        /^Failing check\(s\): `echo .*\ntest -f missing.txt` \(exit 1\)\. The agent said PASS; failing checks win\.$/,
      );
      expect(recordedArgv().stdin).toContain('exit 1 (FAILED, blocking)');
      expect(result.report).toContain('missing.txt not found');
      expect(result.report.trimEnd().endsWith('Verdict: FAIL')).toBe(true);
    });

    it('an engine that stalls is ERROR, never PASS', async () => {
      const engine = codex('hang', { FAKE_ENGINE_HANG: 'end' });
      const result = await service([engine], { engineStallTimeoutSeconds: 1 }).runQa(input('04-plain.md', null));
      expect(result.outcome).toBe('ERROR');
      expect(result.agent).toMatchObject({ verdict: null, outcome: 'stalled' });
      expect(result.error).toMatch(/^QA engine run stalled: no output for 1000ms/);
      expect(result.report.trimEnd().endsWith('Verdict: ERROR')).toBe(true);
      expect(determineVerdict(result.report)).toBeNull();
      expect(await suite.tel.metrics.text()).toContain('qa_verdict_total{verdict="error"} 1');
    });

    it('garbage output without a verdict line is ERROR', async () => {
      const result = await service([codex('garbage')]).runQa(input('04-plain.md', null));
      expect(result.outcome).toBe('ERROR');
      expect(result.agent).toMatchObject({ verdict: null, outcome: 'succeeded' });
      expect(result.error).toBe('The QA agent gave no verdict line (`Verdict: PASS|FAIL`)');
      expect(result.report).toContain('Done despite the noise.');
    });

    it.each([
      ['exit0-failed', 'failed'],
      ['no-terminal', 'no_terminal_event'],
      ['budget-exceeded', 'budget_exceeded'],
    ])('engine fixture %s (outcome %s) is ERROR', async (fixture, outcome) => {
      const result = await service([codex(fixture)]).runQa(input('04-plain.md', null));
      expect(result.outcome).toBe('ERROR');
      expect(result.agent?.outcome).toBe(outcome);
      expect(result.report.trimEnd().endsWith('Verdict: ERROR')).toBe(true);
    });

    it('an engine that cannot start is ERROR', async () => {
      const engine = createCodexEngine({ binary: join(suite.ws.dir.path, 'no-codex') });
      const result = await service([engine]).runQa(input('04-plain.md', null));
      expect(result.outcome).toBe('ERROR');
      expect(result.error).toMatch(/^QA engine codex could not run: Codex CLI is not installed/);
    });

    it('strict budget: the agent is not started, ERROR', async () => {
      const result = await service([codex(agentMessage(PASS_JSON))], { maxTokensPerStep: 10 }).runQa(
        input('04-plain.md', null),
      );
      expect(result.outcome).toBe('ERROR');
      expect(result.agent?.outcome).toBe('budget_exceeded');
      expect(result.error).toMatch(
        /^Estimated prompt tokens \(\d+\) exceed the configured per-step limit \(10\) for qa:04-plain\.md/,
      );
      expect(existsSync(argvFile())).toBe(false);
    });

    it('warn budget: runs and reports the warning', async () => {
      const result = await service([codex(agentMessage(PASS_JSON))], {
        maxTokensPerStep: 10,
        tokenBudgetMode: 'warn',
      }).runQa(input('04-plain.md', null));
      expect(result.outcome).toBe('PASS');
      expect(result.budget_warning).toMatch(/^Estimated prompt tokens/);
      expect(result.report).toContain('- Budget warning: Estimated prompt tokens');
    });

    it('one report per attempt, earlier reports kept', async () => {
      const svc = service([codex(agentMessage(FAIL_JSON))]);
      const first = await svc.runQa(input('04-plain.md', null));
      const second = await service([codex(agentMessage(PASS_JSON))]).runQa(input('04-plain.md', null));
      expect([first.attempt, second.attempt]).toEqual([1, 2]);
      expect(readdirSync(qualityDir()).sort()).toEqual(['04-plain-1.md', '04-plain-2.md']);
      expect(readFileSync(first.report_path!, 'utf8').trimEnd().endsWith('Verdict: FAIL')).toBe(true);
      expect(readFileSync(second.report_path!, 'utf8').trimEnd().endsWith('Verdict: PASS')).toBe(true);
    });

    it('a project QA prompt file is placed before the QA body', async () => {
      const stepSpec = spec('04-plain.md', { policy: 'full', prompt: 'qa-rules.md' });
      writeFileSync(join(suite.ws.protocolRoot, 'qa-rules.md'), 'House rule: every function needs a test.\n');
      await service([codex(agentMessage(PASS_JSON))]).runQa(input('04-plain.md', stepSpec));
      expect(recordedArgv().stdin.startsWith('House rule: every function needs a test.\n\n')).toBe(true);
    });
  });

  describe('shell engine', () => {
    const shell = () => createShellEngine({ killGraceMs: 200 });

    it("the step file's checks run here and decide; the shell engine is not asked again: PASS", async () => {
      const result = await service([shell()]).runQa(input('03-shell.md', null));
      expect(result.outcome).toBe('PASS');
      expect(result.agent).toBeNull();
      expect(result.checks).toEqual([
        expect.objectContaining({ command: 'test -f README.md', exit_code: 0, passed: true }),
      ]);
      expect(result.report).toContain('1. PASS `test -f README.md` (exit 0)');
    });

    it('a check runs once', async () => {
      const stepSpec = specWithChecks('05-both.md', 'full', ['echo run >> qa-count.txt', 'test -f README.md']);
      const result = await service([shell()]).runQa(input('05-both.md', stepSpec));
      expect(result.outcome).toBe('PASS');
      expect(result.checks.map((c) => c.command)).toEqual(['echo run >> qa-count.txt', 'test -f README.md']);
      expect(readFileSync(join(suite.ws.worktreePath, 'qa-count.txt'), 'utf8')).toBe('run\n');
    });

    it('spec checks with no check in the file: they run here and decide', async () => {
      const stepSpec = specWithChecks('04-plain.md', 'full', ['test -f README.md', 'test -f missing.txt']);
      const result = await service([shell()]).runQa(input('04-plain.md', stepSpec));
      expect(result.outcome).toBe('FAIL');
      expect(result.agent).toBeNull();
      expect(result.checks.map((c) => c.passed)).toEqual([true, false]);
    });

    it('failing checks: FAIL with each failing command, exit code and output tail in the report', async () => {
      const result = await service([shell()]).runQa(input('02-broken.md', null));
      expect(result.outcome).toBe('FAIL');
      expect(result.checks.map((c) => [c.exit_code, c.passed])).toEqual([
        [0, true],
        [1, false],
      ]);
      expect(result.report).toContain('2. FAIL `echo "missing.txt not found" >&2\ntest -f missing.txt` (exit 1)');
      expect(result.report).toContain('missing.txt not found');
    });

    it('nothing to verify at all is FAIL (the shell engine verified nothing)', async () => {
      const result = await service([shell()]).runQa(input('04-plain.md', null));
      expect(result.outcome).toBe('FAIL');
      expect(result.agent).toMatchObject({ engine_id: 'shell', verdict: 'FAIL', outcome: 'succeeded' });
    });
  });

  describe('a step file written as the planning prompt teaches', () => {
    // The example comes from the shipped planning prompt itself, so prompt and grammar cannot drift.
    let example: string;
    beforeAll(async () => {
      example = extractStepFileExample((await prompts.getTemplate('planning')).text) ?? '';
    });

    function writeExample(greeting: string) {
      writeFileSync(join(suite.ws.protocolRoot, '01-greeting.md'), example);
      mkdirSync(join(suite.ws.worktreePath, 'src'), { recursive: true });
      mkdirSync(join(suite.ws.worktreePath, 'test'), { recursive: true });
      writeFileSync(
        join(suite.ws.worktreePath, 'src', 'greeting.js'),
        `exports.greet = (name) => \`${greeting}, \${name}!\`;\n`,
      );
      writeFileSync(
        join(suite.ws.worktreePath, 'test', 'greeting.test.js'),
        [
          "const test = require('node:test');",
          "const assert = require('node:assert');",
          "const { greet } = require('../src/greeting.js');",
          "test('greet', () => assert.strictEqual(greet('Ada'), 'Hello, Ada!'));",
          '',
        ].join('\n'),
      );
    }

    it('has checks (the spec parser reads them)', () => {
      expect(extractChecks(example)).toEqual(['test -f src/greeting.js', 'node --test test/greeting.test.js']);
    });

    it('its checks are run by QA and all passing gives PASS', async () => {
      writeExample('Hello');
      for (const engine of [createShellEngine({ killGraceMs: 200 }), codex(agentMessage(PASS_JSON))]) {
        const result = await service([engine]).runQa(input('01-greeting.md', null));
        expect(result.outcome).toBe('PASS');
        expect(result.checks.map((c) => [c.command, c.exit_code, c.passed])).toEqual([
          ['test -f src/greeting.js', 0, true],
          ['node --test test/greeting.test.js', 0, true],
        ]);
      }
      // Each check is in the report with its exit code and the end of its output.
      const report = readFileSync(join(qualityDir(), '01-greeting-2.md'), 'utf8');
      expect(report).toContain('2. PASS `node --test test/greeting.test.js` (exit 0)');
      expect(report).toContain('duration_ms');
      // The agent saw the check results in its prompt.
      expect(recordedArgv().stdin).toContain('- `node --test test/greeting.test.js`: exit 0 (passed)');
    });

    it('a failing check fails QA; the report names the command, its exit code and its output tail', async () => {
      writeExample('Goodbye');
      const result = await service([codex(agentMessage(PASS_JSON))]).runQa(input('01-greeting.md', null));
      expect(result.outcome).toBe('FAIL');
      const failed = result.checks.find((c) => !c.passed);
      expect(failed).toMatchObject({ command: 'node --test test/greeting.test.js', exit_code: 1 });
      expect(failed?.output_tail).toContain('Goodbye, Ada!');
      expect(result.report).toContain('2. FAIL `node --test test/greeting.test.js` (exit 1)');
      expect(result.report).toContain('Goodbye, Ada!');
      expect(result.reason).toContain('`node --test test/greeting.test.js` (exit 1)');
      expect(result.report.trimEnd().split('\n').at(-1)).toBe('Verdict: FAIL');
    });
  });

  describe('environment and redaction (the same as step execution)', () => {
    useProcessEnv({
      TASKSGODZILLA_API_TOKEN: 'canary-worker-api-token',
      DATABASE_URL: 'postgres://u:canary-db-password@h/db',
      OPTED_IN_TOKEN: 'opted-in-secret-value',
    });

    it("gives the checks and the agent the project's opted-in env only, and redacts every known secret value", async () => {
      const checkEnv = join(suite.ws.dir.path, 'check.env');
      const agentEnv = join(suite.ws.dir.path, 'agent.env');
      const fixture = writeFixture(
        suite.ws.dir.path,
        'qa-env',
        agentMessage(JSON.stringify({ verdict: 'PASS', summary: 'saw qa-project-secret', issues: [] })),
      );
      const engine = createCodexEngine(fakeCliOptions(suite.ws.dir.path, 'codex', fixture, { envFile: agentEnv }));
      const svc = service([engine], {}, { redactValues: ['config-secret-token'] });
      const check = `env > '${checkEnv}'; echo "out qa-project-secret config-secret-token"`;
      const result = await svc.runQa(
        input('01-build.md', specWithChecks('01-build.md', 'light', [check]), {
          project: project({
            secrets: {
              deploy_key: 'qa-project-secret',
              env: { PROJECT_MODE: 'qa-mode-value' },
              env_passthrough: ['OPTED_IN_TOKEN'],
            },
          }),
        }),
      );
      expect(result.outcome).toBe('PASS');
      for (const file of [checkEnv, agentEnv]) {
        const env = readFileSync(file, 'utf8');
        expect(env).toContain('PROJECT_MODE=qa-mode-value');
        expect(env).toContain('OPTED_IN_TOKEN=opted-in-secret-value');
        expect(env).not.toContain('canary-');
      }
      const texts = [result.report, readFileSync(suite.ws.logPath, 'utf8'), ...result.checks.map((c) => c.output_tail)];
      for (const text of texts) expect(text).not.toMatch(/qa-project-secret|config-secret-token/);
      expect(result.checks[0]?.output_tail).toContain('out [REDACTED] [REDACTED]');
      expect(result.report).toContain('saw [REDACTED]');
    });
  });

  describe('bad input', () => {
    it('unknown engine and missing step file are errors before anything runs', async () => {
      const svc = service([createShellEngine()]);
      await expect(
        svc.runQa(input('04-plain.md', spec('04-plain.md', { policy: 'full', engine_id: 'nope' }))),
      ).rejects.toBeInstanceOf(EngineError);
      await expect(svc.runQa(input('09-missing.md', null))).rejects.toBeInstanceOf(NotFoundError);
      expect(existsSync(qualityDir())).toBe(false);
    });
  });
});
