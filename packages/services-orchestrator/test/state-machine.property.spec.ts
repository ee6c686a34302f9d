import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isAppError, type ProtocolRun, type StepRun } from '@tasksgodzilla/core';
import { DEMO_STEP_NAMES, demoSpec } from '@tasksgodzilla/service-testing';
import { seededRandom } from '@tasksgodzilla/testing';
import { createHarness, type Harness } from './harness.js';

// Property test of the run/step state machine (README "State machine"): random sequences of
// actions, job outcomes, job cancels and CI reports on real SQLite through the orchestrator, then:
// 1. a non-terminal run always has a legal action that moves it forward, and driving it with those
//    actions ends it `completed`;
// 2. a run whose steps are all done is never left running/planned: it is `completed` (or paused,
//    blocked by a failed re-plan, or ended), and the first forward action completes it;
// 3. after every action at most one step runs, and after the queue is drained no step is `running`
//    without a job behind it once any action has looked at the run.
// Deterministic: every sequence has its own seed (printed on failure). Bounded: SEQUENCES × ACTIONS.

const SEQUENCES = 300;
const ACTIONS = 14;
const BASE_SEED = 0x7a5c;

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

const DONE = (s: StepRun) => s.status === 'completed' || s.status === 'cancelled';
const TERMINAL = ['completed', 'cancelled', 'failed'];

interface Sequence {
  seed: number;
  runId: number;
  log: string[];
}

/** Refusals are part of the contract (409/404); anything else is a bug. */
async function attempt(seq: Sequence, name: string, fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    seq.log.push(`${name}: ok`);
    return true;
  } catch (error) {
    if (isAppError(error) && (error.category === 'conflict' || error.category === 'not_found')) {
      seq.log.push(`${name}: refused (${error.message})`);
      return false;
    }
    throw new Error(`seed ${seq.seed}: ${name} threw ${String(error)}\n${seq.log.join('\n')}`);
  }
}

describe('run/step state machine (property, SQLite)', () => {
  let h: Harness;
  let projectId: number;
  let workspace: string;
  let rng: Rng = seededRandom(1);
  let execFails = 0.3;
  let qaOutcomes: readonly string[] = ['PASS', 'FAIL', 'ERROR'];

  beforeAll(async () => {
    h = await createHarness({ fakeCommits: false });
    projectId = await h.project();
    await h.drain();
    // A plain folder shaped as a CodeMachine workspace: no git, so a sequence costs only database work.
    workspace = join(h.dir.path, 'workspace');
    mkdirSync(join(workspace, '.codemachine'), { recursive: true });
    h.fakes.execution.behaviour = () => (rng() < execFails ? { outcome: 'failed', error: 'boom', commit: null } : {});
    h.fakes.quality.behaviour = () => {
      const outcome = pick(rng, qaOutcomes) as 'PASS' | 'FAIL' | 'ERROR';
      return { outcome, error: outcome === 'ERROR' ? 'qa crashed' : null };
    };
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  async function seedRun(seed: number): Promise<number> {
    const count = 1 + Math.floor(rng() * DEMO_STEP_NAMES.length);
    const qa = Object.fromEntries(
      DEMO_STEP_NAMES.map((name) => [name, { qa: pick(rng, ['skip', 'light', 'full'] as const) }]),
    );
    const run = await h.storage.protocolRuns.create({
      project_id: projectId,
      protocol_name: `prop-${seed}`,
      status: 'planned',
      base_branch: 'main',
      branch_name: `prop-${seed}`,
      worktree_path: workspace,
      protocol_root: join(workspace, '.codemachine'),
      template_config: { protocol_spec: demoSpec(qa) },
      auto_advance: rng() < 0.5,
    });
    for (let i = 0; i < count; i++) {
      await h.storage.stepRuns.create({
        protocol_run_id: run.id,
        step_index: i,
        step_name: DEMO_STEP_NAMES[i] as string,
        step_type: 'work',
      });
    }
    return run.id;
  }

  const state = async (runId: number): Promise<{ run: ProtocolRun; steps: StepRun[] }> => ({
    run: await h.storage.protocolRuns.get(runId),
    steps: await h.storage.stepRuns.listByRun(runId),
  });
  const describeState = (s: { run: ProtocolRun; steps: StepRun[] }) =>
    `${s.run.status} [${s.steps.map((x) => x.status).join(', ')}]`;

  async function liveJobs(runId: number) {
    const out = [];
    for (const status of ['queued', 'running'] as const)
      out.push(...(await h.storage.jobRuns.list({ protocol_run_id: runId, status }, { limit: 100 })).items);
    return out;
  }

  /** One random action, job outcome, cancel or CI report. */
  async function randomAction(seq: Sequence): Promise<void> {
    const { runId } = seq;
    const { steps } = await state(runId);
    const step = pick(rng, steps);
    const o = h.orchestrator;
    const roll = rng();
    if (roll < 0.3) {
      const ran = await h.runner.runOnce();
      seq.log.push(`job: ran ${ran}`);
    } else if (roll < 0.37) await attempt(seq, 'pause', () => o.pauseProtocol(runId));
    else if (roll < 0.45) await attempt(seq, 'resume', () => o.resumeProtocol(runId));
    else if (roll < 0.47) await attempt(seq, 'cancel', () => o.cancelProtocol(runId));
    else if (roll < 0.55) await attempt(seq, 'run-next', () => o.runNextStep(runId));
    else if (roll < 0.6) await attempt(seq, 'retry-latest', () => o.retryLatest(runId));
    else if (roll < 0.66) await attempt(seq, `run-step ${step.step_name}`, () => o.runStep(step.id));
    else if (roll < 0.7) await attempt(seq, `run-qa ${step.step_name}`, () => o.runStepQa(step.id));
    else if (roll < 0.76) await attempt(seq, `approve ${step.step_name}`, () => o.approveStep(step.id));
    else if (roll < 0.78) await attempt(seq, 'start replan', () => o.startProtocol(runId, { replan: true }));
    else if (roll < 0.88) {
      // The queue's cancel, as POST /queues/jobs/{id}/cancel does; reported to the orchestrator half of the time.
      const jobs = await liveJobs(runId);
      if (jobs.length === 0) return;
      const job = pick(rng, jobs);
      const cancelled = await h.queue.cancel(job.run_id, 'property test');
      const report = rng() < 0.5;
      if (report && cancelled.status === 'cancelled') await h.orchestrator.onJobEnded(cancelled);
      seq.log.push(`cancel job ${job.job_type} (${cancelled.status}${report ? ', reported' : ''})`);
    } else {
      const status = pick(rng, ['running', 'success', 'failure'] as const);
      await attempt(seq, `ci ${status}`, () =>
        o.handleCiStatus({ protocol_run_id: runId, provider: 'github', status }),
      );
    }
  }

  /** The forward actions, in the order a person would try them; the first one accepted is applied. */
  async function forward(seq: Sequence): Promise<string | null> {
    const { runId } = seq;
    const o = h.orchestrator;
    const { run, steps } = await state(runId);
    const candidates: [string, () => Promise<unknown>][] = [
      ['resume', () => o.resumeProtocol(runId)],
      ['retry-latest', () => o.retryLatest(runId)],
      ['run-next', () => o.runNextStep(runId)],
      ...steps
        .filter((s) => s.status === 'needs_qa')
        .map((s): [string, () => Promise<unknown>] => [`run-qa ${s.step_name}`, () => o.runStepQa(s.id)]),
      ...steps
        .filter((s) => !DONE(s))
        .map((s): [string, () => Promise<unknown>] => [`approve ${s.step_name}`, () => o.approveStep(s.id)]),
    ];
    if (run.status === 'blocked' && steps.every(DONE))
      candidates.push(['start replan', () => o.startProtocol(runId, { replan: true })]);
    for (const [name, fn] of candidates) if (await attempt(seq, `forward ${name}`, fn)) return name;
    return null;
  }

  it(`${SEQUENCES} random sequences: no run is stuck, all-done runs end completed`, async () => {
    for (let n = 0; n < SEQUENCES; n++) {
      const seed = BASE_SEED + n;
      rng = seededRandom(seed);
      execFails = 0.3;
      qaOutcomes = ['PASS', 'PASS', 'FAIL', 'ERROR'];
      const seq: Sequence = { seed, runId: await seedRun(seed), log: [] };
      const fail = (why: string, s: { run: ProtocolRun; steps: StepRun[] }) => {
        throw new Error(`seed ${seed} (run ${seq.runId}): ${why}; state ${describeState(s)}\n${seq.log.join('\n')}`);
      };
      for (let i = 0; i < ACTIONS; i++) {
        await randomAction(seq);
        const s = await state(seq.runId);
        seq.log.push(`  -> ${describeState(s)}`);
        if (s.steps.filter((x) => x.status === 'running').length > 1) fail('more than one running step', s);
        if (
          s.steps.every(DONE) &&
          (s.run.status === 'running' || s.run.status === 'planned') &&
          (await liveJobs(seq.runId)).length === 0
        ) {
          fail('all steps done but the run is still active with nothing queued', s);
        }
      }
      await h.drain();

      // Drive it forward with jobs that succeed.
      execFails = 0;
      qaOutcomes = ['PASS'];
      for (let round = 0; round < 20; round++) {
        const s = await state(seq.runId);
        if (TERMINAL.includes(s.run.status)) break;
        const allDone = s.steps.every(DONE);
        if (allDone && (s.run.status === 'running' || s.run.status === 'planned'))
          fail('all steps done but the run did not complete', s);
        const action = await forward(seq);
        if (!action) fail('no legal action moves the run forward', s);
        await h.drain();
        const after = await state(seq.runId);
        if (describeState(after) === describeState(s) && after.run.updated_at === s.run.updated_at)
          fail(`forward action ${action} changed nothing`, after);
        if (allDone && action !== 'start replan' && after.run.status !== 'completed')
          fail(`all steps were done; ${action} did not complete the run`, after);
      }
      const end = await state(seq.runId);
      if (end.run.status !== 'completed' && end.run.status !== 'cancelled') fail('the run did not end completed', end);
      if (end.run.status === 'completed' && !end.steps.every(DONE)) fail('completed with steps not done', end);
      if (end.steps.some((x) => x.status === 'running')) fail('a step is left running', end);
    }
  }, 600_000);
});
