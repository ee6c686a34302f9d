import { jest } from '@jest/globals';
import type { Config } from '@tasksgodzilla/core';
import type { Engine } from '@tasksgodzilla/platform-engines';
import { fakePlanner, type FakePlanner } from './fake-planner.js';
import { createHarness, eventTypes, type Harness } from './harness.js';

// Issue 9 §5: every engine call counts against the step/protocol budgets — planning and
// decomposition (which had no check) and QA (which checked only its own prompt), cumulatively.

/** An in-test planning engine: returns a two-step plan and reports `tokens` of usage. */
function planningEngine(tokens: number): FakePlanner {
  return fakePlanner({
    id: 'fake-llm',
    displayName: 'Fake LLM',
    model: 'fake-1',
    tokens,
    planMd: '# Plan\n',
    stepFiles: [
      { filename: '00-setup.md', content: '# Setup\n' },
      { filename: '01-build.md', content: '# Build\n' },
    ],
  });
}

describe('budgets count every engine call (SQLite)', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  async function open(config: Partial<Config>, engine?: Engine): Promise<Harness> {
    h = await createHarness({ config: { tokenBudgetMode: 'strict', ...config }, engines: engine ? [engine] : [] });
    return h;
  }

  /** A project and a run `0001-llm` planned by `engine` under `config`, drained. */
  async function planWith(config: Partial<Config>, engine: Engine) {
    const harness = await open(config, engine);
    const projectId = await harness.project();
    await harness.drain();
    const run = await harness.orchestrator.createProtocolRun(projectId, {
      protocol_name: '0001-llm',
      engine_id: 'fake-llm',
    });
    await harness.orchestrator.startProtocol(run.id);
    await harness.drain();
    return { harness, run, snap: await harness.snapshot(run.id) };
  }

  it('planning over the protocol budget is refused before the engine runs: budget_exceeded, run blocked', async () => {
    const engine = planningEngine(10);
    const { snap } = await planWith({ maxTokensPerProtocol: 5 }, engine);
    expect(snap.run.status).toBe('blocked');
    expect(engine.calls).toHaveLength(0);
    const event = snap.events.find((e) => e.event_type === 'budget_exceeded');
    expect(event?.metadata).toMatchObject({ phase: 'planning' });
    expect(event?.message).toMatch(/per-protocol limit \(5\) for planning:0001-llm/);
  });

  it('decomposition counts the planning call just made: over budget it is not started', async () => {
    const engine = planningEngine(100_001);
    const { harness, run, snap } = await planWith({ maxTokensPerProtocol: 100_000 }, engine);
    expect(engine.calls).toHaveLength(1);
    expect(harness.fakes.decomposition.calls).toBe(0);
    expect(snap.run.status).toBe('blocked');
    expect(snap.events.find((e) => e.event_type === 'budget_exceeded')?.metadata).toMatchObject({ phase: 'decompose' });
    expect(await eventTypes(harness, run.id)).not.toContain('decompose_started');
  });

  it('QA counts what the step already spent: over the per-step budget the QA job fails the step and blocks the run', async () => {
    // The fake execution reports 15 tokens per run.
    const harness = await open({ maxTokensPerStep: 14 });
    const { run } = await harness.planned({ auto_advance: true });
    const snap = await harness.snapshot(run.id);
    expect(harness.fakes.execution.calls).toHaveLength(1);
    expect(harness.fakes.quality.calls).toHaveLength(0);
    expect(snap.steps[0]).toMatchObject({ status: 'failed' });
    expect(snap.run.status).toBe('blocked');
    const event = snap.events.find((e) => e.event_type === 'budget_exceeded');
    expect(event?.metadata).toMatchObject({ phase: 'qa' });
    expect(event?.message).toMatch(
      /15 already spent on this step exceed the configured per-step limit \(14\) for qa:00-setup\.md/,
    );
  });

  it('with no limit set the job ledger is not read: execution and QA see nothing spent and the run completes', async () => {
    const harness = await open({});
    const totals = jest.spyOn(harness.storage.jobRuns, 'usageTotals');
    const { run } = await harness.planned({ auto_advance: true });
    expect((await harness.snapshot(run.id)).run.status).toBe('completed');
    expect(harness.fakes.quality.calls).toHaveLength(3);
    expect(harness.fakes.execution.calls.map((input) => input.spent)).toEqual(
      Array(3).fill({ protocol: { tokens: 0, cost_usd: 0 }, step: { tokens: 0, cost_usd: 0 } }),
    );
    expect(totals).not.toHaveBeenCalled();
  });

  it('with a limit set the ledger is read for the execution and the QA of every step', async () => {
    const harness = await open({ maxCostUsdPerProtocol: 100 });
    const totals = jest.spyOn(harness.storage.jobRuns, 'usageTotals');
    const { run } = await harness.planned({ auto_advance: true });
    expect((await harness.snapshot(run.id)).run.status).toBe('completed');
    // Two reads (protocol and step) before each of 3 executions and each of 3 QA runs.
    expect(totals).toHaveBeenCalledTimes(12);
    expect(harness.fakes.execution.calls[1]?.spent.protocol.tokens).toBe(15);
  });

  it('within budget nothing changes: QA runs and the run completes', async () => {
    const harness = await open({ maxTokensPerStep: 15, maxTokensPerProtocol: 1000 });
    const { run } = await harness.planned({ auto_advance: true });
    expect((await harness.snapshot(run.id)).run.status).toBe('completed');
    expect(harness.fakes.quality.calls).toHaveLength(3);
  });
});
