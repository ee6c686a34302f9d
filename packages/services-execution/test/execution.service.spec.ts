import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BudgetExceededError, EngineError, NotFoundError, ValidationError } from '@tasksgodzilla/core';
import { createCodexEngine, createShellEngine, type Engine } from '@tasksgodzilla/platform-engines';
import {
  createTestTelemetry,
  createWorkspace,
  fakeArgvFile,
  fakeCliOptions,
  project,
  readFakeArgv,
  stepRun,
  type TestTelemetry,
  type Workspace,
} from '@tasksgodzilla/service-testing';
import type { StepSpec } from '@tasksgodzilla/services-spec';
import { git } from '@tasksgodzilla/testing';
import type { ExecuteStepInput, ExecutionConfig } from '../src/index.js';
import { executeInput, executionService, settleQueuedPushes } from './harness.js';

const BUILD_STEP = [
  '# 01 Build',
  '',
  'Write the greeting.',
  '',
  '```sh',
  'echo hello > hello.txt',
  '```',
  '',
  '```sh check',
  'test -f hello.txt',
  '```',
  '',
].join('\n');
const ASKING_STEP = [
  '# 04 Ask',
  '',
  '```sh',
  'echo draft > draft.txt',
  'echo "NEEDS_INPUT: Which port should the server listen on?"',
  '```',
  '',
].join('\n');
const FAILING_STEP = ['# 02 Broken', '', '```sh', 'echo partial > partial.txt', 'exit 3', '```', ''].join('\n');

function specFor(name: string, extra: Partial<StepSpec> = {}): StepSpec {
  return {
    id: name,
    name,
    engine_id: null,
    prompt_ref: name,
    outputs: { protocol: `outputs/${name.replace(/\.md$/, '')}.md` },
    qa: { policy: 'full' },
    ...extra,
  };
}

describe('ExecutionService', () => {
  let ws: Workspace;
  let tel: TestTelemetry;

  const service = (engines: Engine[], config: Partial<ExecutionConfig> = {}) =>
    executionService({ ws, tel }, engines, config);
  const input = (overrides: Partial<ExecuteStepInput> = {}) =>
    executeInput(ws, { jobId: 'job-1', requestId: 'req-1', ...overrides });

  const shell = () => createShellEngine({ killGraceMs: 200 });
  const head = () => git(ws.worktreePath, ['rev-parse', 'HEAD']);

  const setUp = async () => {
    ws = await createWorkspace({
      '01-build.md': BUILD_STEP,
      '02-broken.md': FAILING_STEP,
      '03-notes': '# Notes without extension\n',
      '04-ask.md': ASKING_STEP,
    });
    tel = createTestTelemetry();
  };
  /** Tests that run something get a fresh workspace; read-only plan tests share one. */
  const freshWorkspaceEach = () => {
    beforeEach(setUp);
    afterEach(async () => {
      await settleQueuedPushes();
      ws.remove();
    });
  };

  describe('shell engine on a real worktree with a bare origin', () => {
    freshWorkspaceEach();

    it('runs the step, writes the output (not over the step file), commits on the branch and pushes to origin', async () => {
      const spec = { steps: [specFor('01-build.md')] };
      const svc = service([shell()]);
      const result = await svc.executeStep(input({ spec, stepSpec: spec.steps[0] }));

      expect(result.outcome).toBe('succeeded');
      expect(result.error).toBeNull();
      expect(result.engine_id).toBe('shell');
      const output = join(ws.protocolRoot, 'outputs', '01-build.md');
      expect(result.outputs_written).toEqual([output]);
      expect(readFileSync(output, 'utf8')).toBe('Ran all 1 block(s) of 01-build.md successfully.\n');
      expect(readFileSync(join(ws.protocolRoot, '01-build.md'), 'utf8')).toBe(BUILD_STEP);
      expect(readFileSync(join(ws.worktreePath, 'hello.txt'), 'utf8')).toBe('hello\n');

      expect(result.commit).not.toBeNull();
      expect(result.commit?.sha).toBe(head());
      expect(result.commit?.files.sort()).toEqual(['.protocols/0001-demo/outputs/01-build.md', 'hello.txt']);
      expect(git(ws.worktreePath, ['log', '-1', '--format=%s'])).toBe('0001-demo: 01-build.md [step 1]');
      expect(git(ws.worktreePath, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe('0001-demo');
      expect(git(ws.worktreePath, ['status', '--porcelain'])).toBe('');

      // The push runs behind the step: queued when the call returns, done once settled.
      expect(result.push).toEqual({ pushed: false, branch: '0001-demo', error: null, reason: 'queued' });
      await svc.settlePushes(ws.worktreePath);
      expect(svc.pendingPushes()).toBe(0);
      expect(git(ws.originPath, ['rev-parse', 'refs/heads/0001-demo'])).toBe(result.commit?.sha);

      expect(tel.events).toHaveLength(1);
      expect(tel.events[0]).toMatchObject({
        event_type: 'step_pushed',
        project_id: 7,
        protocol_run_id: 11,
        step_run_id: 23,
      });
      expect(tel.events[0]?.metadata).toMatchObject({ branch: '0001-demo', commit_sha: result.commit?.sha });

      expect(result.usage).toMatchObject({ total_tokens: 0 });
      expect(result.cost_usd).toBe(0);
      expect(result.metadata).toMatchObject({
        engine_id: 'shell',
        prompt_versions: { exec: result.prompt_version },
        outputs: { protocol: output, aux: {} },
        commit_sha: result.commit?.sha,
        push_queued: true,
        spec_validated: true,
      });
      expect(readFileSync(ws.logPath, 'utf8')).toContain('echo hello > hello.txt');
      expect(await tel.metrics.text()).toMatch(/codex_token_estimated_total\{phase="exec",model="unknown"\} \d+/);
    });

    it('a failed run leaves no commit, writes no output and reports the error', async () => {
      const before = head();
      const result = await service([shell()]).executeStep(
        input({ step: stepRun({ id: 24, step_index: 2, step_name: '02-broken.md' }) }),
      );

      expect(result.outcome).toBe('failed');
      expect(result.error).toMatch(/^Execution failed: block 1 \(line 3\) exited with 3$/);
      expect(result.commit).toBeNull();
      expect(result.outputs_written).toEqual([]);
      expect(result.push).toMatchObject({ pushed: false, reason: 'not_attempted' });
      expect(head()).toBe(before);
      expect(existsSync(join(ws.protocolRoot, 'outputs'))).toBe(false);
      expect(tel.events).toEqual([]);
      expect(result.final_message).toContain('exited with 3');
    });

    it('an agent that asks a person (NEEDS_INPUT:) gets no output, commit or push; its work stays uncommitted', async () => {
      const before = head();
      const result = await service([shell()]).executeStep(
        input({ step: stepRun({ id: 25, step_index: 4, step_name: '04-ask.md' }) }),
      );

      expect(result.outcome).toBe('succeeded');
      expect(result.question).toBe('Which port should the server listen on?');
      expect(result.error).toBeNull();
      expect(result.commit).toBeNull();
      expect(result.outputs_written).toEqual([]);
      expect(result.push).toMatchObject({ pushed: false, reason: 'not_attempted' });
      expect(result.metadata.needs_input).toBe('Which port should the server listen on?');
      expect(head()).toBe(before);
      expect(tel.events).toEqual([]);
      expect(git(ws.worktreePath, ['status', '--porcelain'])).toBe('?? draft.txt');
    });

    it('a step without a spec entry finds `<name>.md` and still writes outputs/<stem>.md', async () => {
      const plan = await service([shell()]).buildExecutionPlan(input({ step: stepRun({ step_name: '01-build' }) }));
      expect(plan.prompt_path).toBe(join(ws.protocolRoot, '01-build.md'));
      expect(plan.outputs).toEqual([join(ws.protocolRoot, 'outputs', '01-build.md')]);

      const bare = await service([shell()]).buildExecutionPlan(input({ step: stepRun({ step_name: '03-notes' }) }));
      expect(bare.prompt_path).toBe(join(ws.protocolRoot, '03-notes'));
      expect(bare.outputs).toEqual([join(ws.protocolRoot, 'outputs', '03-notes.md')]);
    });

    it('skips the push without an origin and records no event', async () => {
      ws.remove();
      ws = await createWorkspace({ '01-build.md': BUILD_STEP }, { withOrigin: false });
      const svc = service([shell()]);
      const result = await svc.executeStep(input());
      expect(result.outcome).toBe('succeeded');
      expect(result.commit).not.toBeNull();
      expect(result.push).toEqual({ pushed: false, branch: '0001-demo', error: null, reason: 'queued' });
      await svc.settlePushes();
      expect(tel.events).toEqual([]);
    });

    it('a push failure keeps the commit and records open_pr_failed', async () => {
      rmSync(ws.originPath, { recursive: true, force: true });
      const svc = service([shell()]);
      const result = await svc.executeStep(input());
      expect(result.outcome).toBe('succeeded');
      expect(result.commit?.sha).toBe(head());
      expect(result.push).toMatchObject({ pushed: false, reason: 'queued' });
      await svc.settlePushes(ws.worktreePath);
      expect(tel.events.map((e) => e.event_type)).toEqual(['open_pr_failed']);
      expect(tel.events[0]).toMatchObject({ protocol_run_id: 11, step_run_id: 23 });
      expect(tel.events[0]?.message).toMatch(/^Failed to push branch 0001-demo: /);
    });

    it('nothing to commit is not an error', async () => {
      const spec = specFor('03-notes', { outputs: { protocol: 'outputs/03-notes.md' } });
      const svc = service([shell()]);
      const first = await svc.executeStep(input({ step: stepRun({ step_name: '03-notes' }), stepSpec: spec }));
      expect(first.commit).not.toBeNull();
      // A new attempt (another job) whose output is identical: nothing to commit.
      const second = await svc.executeStep(
        input({ step: stepRun({ step_name: '03-notes' }), stepSpec: spec, jobId: 'job-2' }),
      );
      expect(second.outcome).toBe('succeeded');
      expect(second.commit).toBeNull();
    });
  });

  describe('CLI engine (fake codex)', () => {
    freshWorkspaceEach();

    const codex = (fixture: string): Engine => createCodexEngine(fakeCliOptions(ws.dir.path, 'codex', fixture));
    const argvFile = () => fakeArgvFile(ws.dir.path);

    it('resolves the model from the project defaults, sends the exec prompt and records real usage', async () => {
      const engine = codex('success');
      const result = await service([engine]).executeStep(
        input({ project: project({ default_models: { exec: 'gpt-test-exec' } }) }),
      );

      expect(result.outcome).toBe('succeeded');
      expect(result.model).toBe('gpt-test-exec');
      const recorded = readFakeArgv(ws.dir.path);
      expect(recorded.argv).toEqual(
        expect.arrayContaining(['--model', 'gpt-test-exec', '--sandbox', 'workspace-write', '--cd', ws.worktreePath]),
      );
      expect(recorded.stdin).toContain('Write the greeting.');
      expect(recorded.stdin).toContain('- Build the greeting.');
      expect(recorded.stdin).toContain(join(ws.protocolRoot, 'outputs', '01-build.md'));

      expect(readFileSync(join(ws.protocolRoot, 'outputs', '01-build.md'), 'utf8')).toContain(
        'Added `src/greeting.ts`',
      );
      expect(result.commit?.files).toEqual(['.protocols/0001-demo/outputs/01-build.md']);
      expect(result.usage).toMatchObject({ input_tokens: 24763, output_tokens: 1122, total_tokens: 25885 });
      const metrics = await tel.metrics.text();
      expect(metrics).toContain(
        'tokens_used_total{phase="exec",model="gpt-test-exec",engine="codex",kind="input"} 24763',
      );
    });

    it('an engine outcome other than succeeded is no commit, even when the engine exits 0', async () => {
      const before = head();
      const result = await service([codex('exit0-failed')]).executeStep(input());
      expect(result.outcome).toBe('failed');
      expect(result.error).toMatch(/^Execution failed: /);
      expect(result.commit).toBeNull();
      expect(head()).toBe(before);
    });

    it('an engine that cannot start is a failed result, not a throw', async () => {
      const engine = createCodexEngine({ binary: join(ws.dir.path, 'no-such-codex') });
      const result = await service([engine]).executeStep(input());
      expect(result.outcome).toBe('failed');
      expect(result.error).toMatch(/^Engine codex could not run: Codex CLI is not installed/);
      expect(result.commit).toBeNull();
    });

    it('strict budget: throws BudgetExceededError before the engine starts', async () => {
      const engine = codex('success');
      const before = head();
      const run = service([engine], { maxTokensPerStep: 10 }).executeStep(input());
      await expect(run).rejects.toBeInstanceOf(BudgetExceededError);
      await expect(run).rejects.toThrow(
        /^Estimated prompt tokens \(\d+\) exceed the configured per-step limit \(10\) for exec:01-build\.md\. Reduce context or raise the budget\.$/,
      );
      expect(existsSync(argvFile())).toBe(false);
      expect(existsSync(ws.logPath)).toBe(false);
      expect(head()).toBe(before);
      expect(tel.events).toEqual([]);
    });

    it('cumulative budget: tokens already spent on the protocol count', async () => {
      const engine = codex('success');
      const { estimated_tokens: estimate } = await service([engine]).buildExecutionPlan(input());
      const svc = service([engine], { maxTokensPerProtocol: estimate + 99_999 });
      const spent = { protocol: { tokens: 100_000, cost_usd: 0 }, step: { tokens: 0, cost_usd: 0 } };

      const plan = await svc.buildExecutionPlan(input({ spent }));
      expect(plan.budget).toMatchObject({ ok: false, mode: 'strict' });
      await expect(svc.executeStep(input({ spent }))).rejects.toThrow(
        `Estimated prompt tokens (${estimate}) plus 100000 already spent on this protocol exceed the configured per-protocol limit (${estimate + 99_999})`,
      );
      expect(existsSync(argvFile())).toBe(false);

      const fresh = await svc.buildExecutionPlan(
        input({ spent: { protocol: { tokens: 99_999, cost_usd: 0 }, step: { tokens: 0, cost_usd: 0 } } }),
      );
      expect(fresh.budget).toMatchObject({ ok: true, message: null, remaining: { tokens: estimate, cost_usd: null } });
    });

    it('cumulative USD budget: a spent protocol budget stops the step', async () => {
      const svc = service([codex('success')], { maxCostUsdPerProtocol: 1.5 });
      const spent = { protocol: { tokens: 0, cost_usd: 1.5 }, step: { tokens: 0, cost_usd: 0 } };
      await expect(svc.executeStep(input({ spent }))).rejects.toThrow(
        /USD already spent on this protocol \(1\.5\) has reached the configured per-protocol budget \(1\.5\)/,
      );
    });

    it('strict budget with room left: the remainder is the live cap of the engine run', async () => {
      const engine = codex('success');
      const { estimated_tokens: estimate } = await service([engine]).buildExecutionPlan(input());
      // The fake reports 25,885 tokens: over the 1,000 left after this step's earlier runs.
      const result = await service([engine], { maxTokensPerStep: estimate + 6_000 }).executeStep(
        input({ spent: { protocol: { tokens: 5_000, cost_usd: 0 }, step: { tokens: 5_000, cost_usd: 0 } } }),
      );
      expect(result.outcome).toBe('budget_exceeded');
      expect(result.error).toMatch(/token budget of \d+ exceeded/);
      expect(result.commit).toBeNull();
    });

    it('warn budget: goes on with budget_warning and no live cap', async () => {
      const engine = codex('success');
      const result = await service([engine], { maxTokensPerStep: 10, tokenBudgetMode: 'warn' }).executeStep(input());
      expect(result.outcome).toBe('succeeded');
      expect(result.budget_warning).toMatch(
        /^Estimated prompt tokens \(\d+\) exceed the configured per-step limit \(10\)/,
      );
      expect(result.metadata.budget_warning).toBe(result.budget_warning);
      expect(result.commit).not.toBeNull();
    });

    it('off: no budget check at all', async () => {
      const engine = codex('success');
      const plan = await service([engine], { maxTokensPerStep: 1, tokenBudgetMode: 'off' }).buildExecutionPlan(input());
      expect(plan.budget).toEqual({
        ok: true,
        mode: 'off',
        message: null,
        remaining: { tokens: null, cost_usd: null },
      });
    });
  });

  describe('buildExecutionPlan', () => {
    beforeAll(setUp);
    afterAll(async () => {
      await settleQueuedPushes();
      ws.remove();
    });

    const engines = () => [shell(), createCodexEngine({ binary: 'codex-not-run' })];

    it('engine and model precedence: step spec → step run → project → config', async () => {
      const svc = service(engines(), { execModel: 'env-model' });
      const stepSpec = specFor('01-build.md', { engine_id: 'codex', model: 'spec-model' });
      expect(await svc.buildExecutionPlan(input({ stepSpec }))).toMatchObject({
        engine_id: 'codex',
        model: 'spec-model',
      });
      const fromStep = await svc.buildExecutionPlan(
        input({ step: stepRun({ engine_id: 'codex', model: 'step-model' }) }),
      );
      expect(fromStep).toMatchObject({ engine_id: 'codex', model: 'step-model' });
      const fromProject = await svc.buildExecutionPlan(
        input({ project: project({ default_models: { exec: 'project-model', engine: 'codex' } as never }) }),
      );
      expect(fromProject).toMatchObject({ engine_id: 'codex', model: 'project-model' });
      expect(await svc.buildExecutionPlan(input())).toMatchObject({
        engine_id: 'shell',
        model: 'env-model',
        sandbox: 'workspace-write',
      });
    });

    it('declared outputs and aux outputs; a spec naming the step file itself is rejected', async () => {
      const svc = service(engines());
      const stepSpec = specFor('01-build.md', {
        outputs: { protocol: 'reports/build.md', aux: { notes: 'notes/build.md' } },
      });
      const plan = await svc.buildExecutionPlan(input({ stepSpec }));
      expect(plan.outputs).toEqual([
        join(ws.protocolRoot, 'reports', 'build.md'),
        join(ws.protocolRoot, 'notes', 'build.md'),
      ]);
      expect(plan.checks).toEqual(['test -f hello.txt']);
      await expect(
        svc.buildExecutionPlan(input({ stepSpec: specFor('01-build.md', { outputs: { protocol: '01-build.md' } }) })),
      ).rejects.toBeInstanceOf(ValidationError);
    });

    it('spec-declared checks the step file does not show are appended to the prompt', async () => {
      const plan = await service(engines()).buildExecutionPlan(
        input({ stepSpec: specFor('01-build.md', { checks: ['npm run lint'] }) }),
      );
      expect(plan.prompt).toContain(
        'QA checks the orchestrator runs after this step (make them pass):\n- `npm run lint`',
      );
      expect(plan.checks).toEqual(['npm run lint']);
    });

    it('bad input: unknown engine, missing step file, missing worktree', async () => {
      const svc = service(engines());
      await expect(svc.buildExecutionPlan(input({ step: stepRun({ engine_id: 'nope' }) }))).rejects.toBeInstanceOf(
        EngineError,
      );
      await expect(
        svc.buildExecutionPlan(input({ step: stepRun({ step_name: '09-missing.md' }) })),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(
        svc.buildExecutionPlan(input({ worktreePath: join(ws.dir.path, 'nowhere') })),
      ).rejects.toBeInstanceOf(ValidationError);
    });
  });
});
