import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakePlanner, type FakePlanner } from './fake-planner.js';
import { harnessPerTest, type Harness } from './harness.js';

// Issue 10: planning gets the same child environment and redaction as step execution.

const SECRET = 'planning-project-secret';

/** An in-test planning engine that records its requests and answers with a plan quoting a secret value. */
function leakyPlanner(): FakePlanner {
  return fakePlanner({
    id: 'leaky-llm',
    displayName: 'Leaky LLM',
    planMd: `# Plan\n\nDeploy with ${SECRET}.\n`,
    stepFiles: [
      { filename: '00-setup.md', content: '# Setup\n' },
      { filename: '01-build.md', content: `# Build\n\nexport KEY=${SECRET}\n` },
    ],
  });
}

describe('planning environment and redaction', () => {
  let h: Harness;
  const engine = leakyPlanner();
  harnessPerTest((created) => (h = created), { engines: [engine], config: { tokenBudgetMode: 'off' } });

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
