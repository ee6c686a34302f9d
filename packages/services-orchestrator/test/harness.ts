import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkEventMetadata,
  loadConfig,
  type Config,
  type Event,
  type JobRun,
  type ProtocolRun,
  type StepRun,
} from '@tasksgodzilla/core';
import { createEngineRegistry, createShellEngine, type Engine } from '@tasksgodzilla/platform-engines';
import { createGitService, type GitService } from '@tasksgodzilla/platform-git';
import {
  createQueue,
  createWorkerRunner,
  createJobTypeRegistry,
  willRetry,
  type ActiveJob,
  type JobContext,
  type WorkerRunner,
} from '@tasksgodzilla/platform-queue';
import { createStorage, migrateToLatest, openDatabase, type DatabaseHandle } from '@tasksgodzilla/platform-storage';
import { createLogger, createMetrics, createTelemetryService } from '@tasksgodzilla/platform-telemetry';
import {
  collectPages,
  createTestBed,
  DEMO_TEMPLATE,
  runEvents,
  type TestDialect,
} from '@tasksgodzilla/service-testing';
import type { DecompositionService } from '@tasksgodzilla/services-decomposition';
import type { ExecuteStepInput, ExecuteStepResult, ExecutionService } from '@tasksgodzilla/services-execution';
import type {
  DiscoveryJobInput,
  DiscoveryJobResult,
  OnboardingService,
  ProjectSetupInput,
  ProjectSetupResult,
} from '@tasksgodzilla/services-onboarding';
import { createPromptService } from '@tasksgodzilla/services-prompts';
import type { QaInput, QaResult, QualityService } from '@tasksgodzilla/services-quality';
import { createSpecService, effectiveQaPolicy } from '@tasksgodzilla/services-spec';
import { git, postgresAvailable, type TempDir, type TestRepo } from '@tasksgodzilla/testing';
import { createOrchestratorService, registerOrchestratorJobTypes } from '../src/index.js';
import type { CreateProtocolInput, OrchestratorService, OrchestratorServiceDeps } from '../src/orchestrator.types.js';

type ExecBehaviour = (input: ExecuteStepInput) => Promise<Partial<ExecuteStepResult>> | Partial<ExecuteStepResult>;
type QaBehaviour = (input: QaInput) => Promise<Partial<QaResult>> | Partial<QaResult>;

/** Small in-test fakes of the four services whose real implementations have their own suites. */
export interface Fakes {
  execution: ExecutionService & {
    calls: ExecuteStepInput[];
    behaviour: ExecBehaviour;
    /** What `pendingPushes` answers (the fake queues no push of its own). */
    queuedPushes: number;
    /** The worktree of each `settlePushes` call, in order. */
    settled: (string | undefined)[];
  };
  quality: QualityService & { calls: QaInput[]; behaviour: QaBehaviour };
  onboarding: OnboardingService & {
    calls: ProjectSetupInput[];
    result: Partial<ProjectSetupResult>;
    discoveries: DiscoveryJobInput[];
    discovery: Partial<DiscoveryJobResult>;
  };
  decomposition: DecompositionService & { calls: number };
}

function createFakes(git: GitService, options: { commits?: boolean } = {}): Fakes {
  const execution = {
    calls: [] as ExecuteStepInput[],
    behaviour: (() => ({})) as ExecBehaviour,
    async buildExecutionPlan(input: ExecuteStepInput) {
      return {
        engine_id: input.step.engine_id ?? 'shell',
        model: null,
        prompt: `run ${input.step.step_name}`,
        prompt_version: 'v1',
        prompt_path: join(input.protocolRoot, input.step.step_name),
        outputs: [],
        estimated_tokens: 3,
        sandbox: 'workspace-write' as const,
        budget: { ok: true, mode: 'strict' as const, message: null },
      };
    },
    async executeStep(input: ExecuteStepInput): Promise<ExecuteStepResult> {
      execution.calls.push(input);
      const override = await execution.behaviour(input);
      const marker = join(input.worktreePath, 'work', `${input.step.step_name}.done`);
      mkdirSync(join(input.worktreePath, 'work'), { recursive: true });
      writeFileSync(marker, `${execution.calls.length}\n`);
      // Like the real execution service, only a successful run is committed.
      const failed =
        (override.outcome !== undefined && override.outcome !== 'succeeded') ||
        (override.question !== undefined && override.question !== null);
      const commit =
        options.commits === false || failed
          ? { committed: false as const }
          : await git.commitAll({
              repoPath: input.worktreePath,
              message: `${input.run.protocol_name}: ${input.step.step_name}`,
            });
      return {
        outcome: 'succeeded',
        engine_id: input.step.engine_id ?? 'shell',
        model: null,
        prompt_version: 'v1',
        prompt_path: null,
        outputs_written: [],
        commit: commit.committed ? { sha: commit.sha, files: commit.files } : null,
        push: { pushed: false, branch: input.branch, error: null, reason: 'test' },
        usage: { input_tokens: 10, cached_input_tokens: 0, output_tokens: 5, reasoning_tokens: 0, total_tokens: 15 },
        cost_usd: 0.01,
        estimated_tokens: 3,
        final_message: 'done',
        log_path: input.logPath,
        error: null,
        budget_warning: null,
        question: null,
        metadata: {},
        ...override,
      };
    },
    // The fake pushes nothing: a test sets how many pushes it reports queued and sees who waited.
    queuedPushes: 0,
    settled: [] as (string | undefined)[],
    async settlePushes(worktreePath?: string) {
      execution.settled.push(worktreePath);
    },
    pendingPushes: (_worktreePath?: string) => execution.queuedPushes,
  };
  const quality = {
    calls: [] as QaInput[],
    behaviour: (() => ({})) as QaBehaviour,
    async runQa(input: QaInput): Promise<QaResult> {
      quality.calls.push(input);
      const override = await quality.behaviour(input);
      return {
        outcome: 'PASS',
        policy: input.policyOverride ?? effectiveQaPolicy(input.stepSpec),
        report_path: join(input.protocolRoot, 'quality', `${input.step.step_name}-1.md`),
        report: 'Verdict: PASS',
        checks: [],
        agent: { verdict: 'PASS', outcome: 'succeeded', engine_id: 'shell', model: null },
        usage: null,
        cost_usd: null,
        prompt_version: 'qa-v1',
        error: null,
        ...override,
      };
    },
    determineVerdict: (report: string) =>
      /PASS/.test(report) ? ('PASS' as const) : /FAIL/.test(report) ? ('FAIL' as const) : null,
    shouldEvaluate: (stepSpec: Parameters<QualityService['shouldEvaluate']>[0]) =>
      effectiveQaPolicy(stepSpec) !== 'skip' || (stepSpec?.checks?.length ?? 0) > 0,
  };
  const onboarding = {
    calls: [] as ProjectSetupInput[],
    result: {} as Partial<ProjectSetupResult>,
    async runProjectSetup(input: ProjectSetupInput): Promise<ProjectSetupResult> {
      onboarding.calls.push(input);
      return {
        status: 'completed',
        local_path: input.project.local_path,
        clarifications: [],
        blocking: false,
        error: null,
        details: {},
        ...onboarding.result,
      };
    },
    discoveries: [] as DiscoveryJobInput[],
    discovery: {} as Partial<DiscoveryJobResult>,
    async runDiscovery(input: DiscoveryJobInput): Promise<DiscoveryJobResult> {
      onboarding.discoveries.push(input);
      return {
        status: 'completed',
        engine_id: input.engineId ?? 'codex',
        model: null,
        reason: null,
        notes: ['tasksgodzilla/DISCOVERY.md'],
        path: input.project.local_path,
        succeeded: true,
        ...onboarding.discovery,
      };
    },
    clarifications: () => [],
    summarize: () => {
      throw new Error('not used');
    },
    seedWorktree: async () => ({ copied: [], commit: null }),
  };
  const decomposition = {
    calls: 0,
    async decomposeProtocol() {
      decomposition.calls += 1;
      return { model: null, decomposed: [], skipped: [], usage: null, cost_usd: null };
    },
    async decomposeStep() {
      return { model: null, decomposed: [], skipped: [], usage: null, cost_usd: null };
    },
    isSimpleStep: () => false,
  };
  return { execution, quality, onboarding, decomposition } as unknown as Fakes;
}

/** The real services a harness builds: the orchestrator runs on them and tests read them. */
type RealDeps = Pick<OrchestratorServiceDeps, 'storage' | 'queue' | 'telemetry' | 'engines' | 'git' | 'spec'>;

export interface Harness extends RealDeps {
  dir: TempDir;
  repo: TestRepo;
  config: Config;
  handle: DatabaseHandle;
  fakes: Fakes;
  orchestrator: OrchestratorService;
  runner: WorkerRunner;
  /** Runs every due job until the queue is idle. */
  drain(): Promise<number>;
  /** Runs a job's handler once more, directly (as a re-delivery would). */
  rerun(jobId: string): Promise<unknown>;
  /** A project whose local checkout is the test repo (with a bare origin). */
  project(): Promise<number>;
  /** A project and a protocol from the demo template, started: planning enqueued, no job run yet. */
  started(input?: Partial<CreateProtocolInput>): Promise<ProtocolRun>;
  /** A project (onboarded) and a protocol planned from the demo template; returns its run. */
  planned(input?: Partial<CreateProtocolInput>): Promise<{ projectId: number; run: ProtocolRun; steps: StepRun[] }>;
  snapshot(runId: number): Promise<{ run: ProtocolRun; steps: StepRun[]; events: Event[]; jobs: JobRun[] }>;
  events(runId: number): Promise<Event[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  dialect?: TestDialect;
  config?: Partial<Config>;
  /** false: the fake execution writes its marker but commits nothing (workspaces that are not git repositories). */
  fakeCommits?: boolean;
  /** Engines registered next to the shell engine (in-test planning engines). */
  engines?: Engine[];
  /** Outgoing webhook delivery (sender and retry policy). */
  notifications?: OrchestratorServiceDeps['notifications'];
}

/** Asserts that `call` rejects with an error named `name` and, when given, exactly `message`. */
export async function expectRejected(call: Promise<unknown>, name: string, message?: string): Promise<void> {
  await expect(call).rejects.toMatchObject(message === undefined ? { name } : { name, message });
}

/** What `harnessPerTest` gives a suite. */
export interface HarnessSuite {
  /** `it` for the suite: on PostgreSQL, a case passes without running when the server is unreachable outside CI (postgresAvailable prints why). */
  it: (name: string, fn: () => Promise<void>) => void;
  /** Closes this test's harness and opens another with `more` options (same dialect); `use` gets it too. */
  reopen: (more: HarnessOptions) => Promise<Harness>;
}

/**
 * A fresh harness (on `options.dialect`) for each test of the enclosing `describe`, closed after it.
 * `use` receives it (the suite keeps it in its own `let h`).
 */
export function harnessPerTest(use: (harness: Harness) => void, options: HarnessOptions = {}): HarnessSuite {
  let available = true;
  let current: Harness | null = null;
  const open = async (more: HarnessOptions = {}): Promise<Harness> => {
    current = await createHarness({ ...options, ...more });
    use(current);
    return current;
  };
  if (options.dialect === 'postgres')
    beforeAll(async () => {
      available = await postgresAvailable();
    });
  beforeEach(async () => {
    if (available) await open();
  });
  afterEach(async () => {
    await current?.close();
    current = null;
  });
  return {
    it: (name, fn) => global.it(name, async () => (available ? fn() : undefined)),
    reopen: async (more) => {
      await current?.close();
      current = null;
      return open(more);
    },
  };
}

/** Real storage (SQLite temp file or a fresh PostgreSQL database), embedded queue, git, shell engine, spec and prompts; fakes for the four services. */
export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const bed = await createTestBed({ prefix: 'tgz-orch-', databasePrefix: 'tgz_orch', dialect: options.dialect });
  const { dir, repo, database } = bed;
  const handle: DatabaseHandle = database
    ? openDatabase({ url: database.url, poolSize: 4 })
    : openDatabase({ path: join(dir.path, 'db.sqlite') });
  await migrateToLatest(handle);
  const config = loadConfig(
    {},
    {
      dataDir: dir.path,
      runsDir: join(dir.path, 'runs'),
      projectsRoot: join(dir.path, 'projects'),
      defaultEngine: 'shell',
      removeWorktreeOnEnd: false,
      ...options.config,
    },
  );
  const storage = createStorage(handle);
  const queue = createQueue({
    backend: 'embedded',
    db: handle.db,
    dialect: handle.dialect,
    jobTypes: registerOrchestratorJobTypes(createJobTypeRegistry()),
    defaults: { maxAttempts: 2 },
    backoff: () => 0,
  });
  const telemetry = createTelemetryService({
    events: storage.events,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
  });
  // Every event the orchestrator writes must match its entry in core's event catalogue; close() reports the misses.
  const catalogueIssues: string[] = [];
  telemetry.subscribe((event) => {
    const check = checkEventMetadata(event.event_type, event.metadata);
    if (!check.ok) catalogueIssues.push(...check.issues);
  });
  const engines = createEngineRegistry([createShellEngine(), ...(options.engines ?? [])], { defaultEngineId: 'shell' });
  const git = createGitService({
    projectsRoot: config.projectsRoot,
    githubApiUrl: 'http://127.0.0.1:9',
    gitlabApiUrl: 'http://127.0.0.1:9',
    ghBinary: null,
    glabBinary: null,
    identity: { name: 'TasksGodzilla Test', email: 'test@tasksgodzilla.invalid' },
  });
  const spec = createSpecService({ defaultEngine: 'shell', knownEngines: engines.ids() });
  const fakes = createFakes(git, { commits: options.fakeCommits });
  const real: RealDeps = { storage, queue, telemetry, engines, git, spec };
  const orchestrator = createOrchestratorService({
    ...real,
    prompts: createPromptService(),
    execution: fakes.execution,
    quality: fakes.quality,
    decomposition: fakes.decomposition,
    onboarding: fakes.onboarding,
    config,
    ...(options.notifications ? { notifications: options.notifications } : {}),
  });
  const handlers = orchestrator.jobHandlers();
  const runner = createWorkerRunner({
    queue,
    handlers,
    concurrency: 1,
    pollIntervalMs: 20,
    maxPollIntervalMs: 50,
    onCancelled: (job) => orchestrator.onJobEnded(job),
  });

  const harness: Harness = {
    dir,
    repo,
    config,
    handle,
    ...real,
    fakes,
    orchestrator,
    runner,
    drain: () => runner.drain(),
    async rerun(jobId) {
      const job = await queue.get(jobId);
      const active = {
        ...job,
        status: 'running',
        lease_owner: 'test',
        lease_expires_at: job.updated_at,
        payload: queue.jobTypes.parse(job.job_type, job.params),
      } as unknown as ActiveJob;
      const ctx: JobContext = {
        signal: new AbortController().signal,
        workerId: 'test',
        attempt: Math.max(1, job.attempts),
        log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
        heartbeat: async () => undefined,
        setLogPath: () => undefined,
        addUsage: () => undefined,
        willRetry: (error) => willRetry(job, error),
      };
      const handler = (handlers as Record<string, (job: ActiveJob, ctx: JobContext) => Promise<unknown>>)[job.job_type];
      if (!handler) throw new Error(`no handler for ${job.job_type}`);
      return handler(active, ctx);
    },
    async project() {
      const created = await orchestrator.createProject({
        name: 'demo',
        git_url: repo.originPath,
        local_path: repo.path,
      });
      return created.project.id;
    },
    async started(input = {}) {
      const projectId = await harness.project();
      const run = await orchestrator.createProtocolRun(projectId, {
        protocol_name: '0001-demo',
        template: DEMO_TEMPLATE,
        ...input,
      });
      await orchestrator.startProtocol(run.id);
      return run;
    },
    async planned(input = {}) {
      const projectId = await harness.project();
      await runner.drain();
      const created = await orchestrator.createProtocolRun(projectId, {
        protocol_name: '0001-demo',
        template: DEMO_TEMPLATE,
        ...input,
      });
      await orchestrator.startProtocol(created.id);
      await runner.drain();
      return {
        projectId,
        run: await storage.protocolRuns.get(created.id),
        steps: await storage.stepRuns.listByRun(created.id),
      };
    },
    async snapshot(runId) {
      return {
        run: await storage.protocolRuns.get(runId),
        steps: await storage.stepRuns.listByRun(runId),
        events: await collectPages((cursor) => storage.events.list({ protocol_run_id: runId }, { limit: 500, cursor })),
        jobs: await collectPages((cursor) => storage.jobRuns.list({ protocol_run_id: runId }, { limit: 500, cursor })),
      };
    },
    events: (runId) => runEvents(storage, runId),
    async close() {
      if (runner.started) await runner.stop({ graceful: false, timeoutMs: 1000 });
      await queue.close();
      await handle.close();
      await bed.dispose();
      if (catalogueIssues.length > 0)
        throw new Error(`events that do not match the event catalogue:\n${[...new Set(catalogueIssues)].join('\n')}`);
    },
  };
  return harness;
}

/** Makes a folder a git repository with one commit (CodeMachine workspaces must be git work trees). */
export function initGitWorkspace(path: string): string {
  git(path, ['init', '-q', '-b', 'main']);
  git(path, ['add', '-A']);
  git(path, ['commit', '-q', '-m', 'workspace']);
  return path;
}

/** The types of a run's events, oldest first. */
export async function eventTypes(harness: Harness, runId: number): Promise<string[]> {
  return (await harness.events(runId)).map((event) => event.event_type);
}
