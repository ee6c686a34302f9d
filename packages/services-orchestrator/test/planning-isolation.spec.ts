import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine, EngineRequest, EngineResult } from '@tasksgodzilla/platform-engines';
import { createHarness, type Harness } from './harness.js';

// Issue 10: planning gets the same child environment and redaction as step execution.

const SECRET = 'planning-project-secret';

/** An in-test planning engine that records its requests and answers with a plan quoting a secret value. */
function leakyPlanner(): Engine & { calls: EngineRequest[] } {
  const calls: EngineRequest[] = [];
  const plan = async (request: EngineRequest): Promise<EngineResult> => {
    calls.push(request);
    return {
      engine_id: 'leaky-llm',
      operation: 'plan',
      outcome: 'succeeded',
      reason: null,
      model: null,
      session_id: null,
      usage: null,
      cost_usd: null,
      final_message: null,
      structured_output: {
        plan_md: `# Plan\n\nDeploy with ${SECRET}.\n`,
        context_md: '',
        log_md: '',
        step_files: [
          { filename: '00-setup.md', content: '# Setup\n' },
          { filename: '01-build.md', content: `# Build\n\nexport KEY=${SECRET}\n` },
        ],
      },
      errors: [],
      warnings: [],
      log_path: request.logPath ?? null,
      exit_code: 0,
      signal: null,
      duration_ms: 1,
      unparsed_lines: 0,
    };
  };
  const engine = {
    id: 'leaky-llm',
    displayName: 'Leaky LLM',
    kind: 'builtin' as const,
    defaultModel: null,
    capabilities: {
      structuredOutput: true,
      budgetCap: false,
      reportsCost: false,
      resume: false,
      usageIsCumulative: false,
    },
    calls,
    plan,
    execute: plan,
    qa: plan,
    run: async (_operation: string, request: EngineRequest) => plan(request),
    probe: async () => ({ engine_id: 'leaky-llm', binary: null, available: true, version: null, error: null }),
  };
  return engine as unknown as Engine & { calls: EngineRequest[] };
}

describe('planning environment and redaction', () => {
  let h: Harness;
  const engine = leakyPlanner();
  beforeEach(async () => {
    h = await createHarness({ engines: [engine], config: { tokenBudgetMode: 'off' } });
  });
  afterEach(async () => {
    await h.close();
  });

  it("gives the planning engine the project's opted-in env and redacts its secret values from the protocol files", async () => {
    const { project } = await h.orchestrator.createProject({
      name: 'secretive',
      git_url: h.repo.originPath,
      local_path: h.repo.path,
      secrets: { deploy_key: SECRET, env: { PROJECT_MODE: 'plan-mode' }, env_passthrough: ['NPM_TOKEN'] },
    });
    await h.drain();
    const run = await h.orchestrator.createProtocolRun(project.id, {
      protocol_name: '0001-leaky',
      engine_id: 'leaky-llm',
      template_config: { decompose: false },
    });
    await h.orchestrator.startProtocol(run.id);
    await h.drain();

    const { run: planned } = await h.snapshot(run.id);
    expect(planned.status).toBe('planned');
    const request = engine.calls.at(-1)!;
    expect(request.env).toEqual({ PROJECT_MODE: 'plan-mode' });
    expect(request.passEnv).toEqual(['NPM_TOKEN']);
    expect(request.redact?.(`log line ${SECRET}`)).toBe('log line [REDACTED]');
    const root = planned.protocol_root!;
    expect(readFileSync(join(root, 'plan.md'), 'utf8')).toContain('Deploy with [REDACTED].');
    expect(readFileSync(join(root, '01-build.md'), 'utf8')).toContain('export KEY=[REDACTED]');
  });
});
