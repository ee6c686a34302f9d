import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotFoundError, type Event, type JsonObject, type Project, type ProtocolRun } from '@tasksgodzilla/core';
import {
  createCodexEngine,
  createEngineRegistry,
  createShellEngine,
  type Engine,
} from '@tasksgodzilla/platform-engines';
import { createGitService, type GitService } from '@tasksgodzilla/platform-git';
import type { NewEvent, ProjectPatch } from '@tasksgodzilla/platform-storage';
import {
  createLogger,
  createMetrics,
  createTelemetryService,
  type TelemetryService,
} from '@tasksgodzilla/platform-telemetry';
import { createPromptService } from '@tasksgodzilla/services-prompts';
import { createTempDir, git, isolatedGitEnv, type TempDir } from '@tasksgodzilla/testing';
import { createOnboardingService } from './onboarding.service.js';
import type {
  OnboardingConfig,
  OnboardingService,
  OnboardingServiceDeps,
  ProjectSetupInput,
  ProjectSetupResult,
} from './onboarding.types.js';

/** tools/fake-engines of the workspace. */
const FAKE_CODEX = fileURLToPath(new URL('../../../tools/fake-engines/fake-codex.mjs', import.meta.url));

export interface FakeCodexOptions {
  /** Fixture of tools/fake-engines/fixtures/codex. Default `success`. */
  fixture?: string;
  exitCode?: number;
  /** Write tasksgodzilla/DISCOVERY.md in the working dir, as a real discovery run would. */
  writeNotes?: boolean;
  /** Play the fixture then hang (FAKE_ENGINE_HANG=end). */
  hang?: boolean;
}

/**
 * A `codex` executable for one test: a tiny sh wrapper that sets the fake's environment (the service
 * passes none) and execs tools/fake-engines/fake-codex.mjs. It records argv/cwd/stdin in `argvFile`.
 */
export function writeFakeCodex(dir: string, options: FakeCodexOptions = {}): { binary: string; argvFile: string } {
  const binDir = join(dir, 'bin');
  mkdirSync(binDir, { recursive: true });
  const binary = join(
    binDir,
    `codex-${options.fixture ?? 'success'}${options.writeNotes ? '-notes' : ''}${options.hang ? '-hang' : ''}`,
  );
  const argvFile = `${binary}.argv.json`;
  const lines = [
    '#!/bin/sh',
    `export FAKE_ENGINE_FIXTURE='${options.fixture ?? 'success'}'`,
    `export FAKE_ENGINE_EXIT_CODE='${options.exitCode ?? 0}'`,
    `export FAKE_ENGINE_ARGV_FILE='${argvFile}'`,
    options.hang ? "export FAKE_ENGINE_HANG='end'" : '',
    options.writeNotes
      ? `if [ "$1" != "--version" ]; then mkdir -p tasksgodzilla && printf '# Discovery\\n\\nA sample repository.\\n' > tasksgodzilla/DISCOVERY.md; fi`
      : '',
    `exec '${process.execPath}' '${FAKE_CODEX}' "$@"`,
  ];
  writeFileSync(binary, `${lines.filter(Boolean).join('\n')}\n`);
  chmodSync(binary, 0o755);
  return { binary, argvFile };
}

export function fakeCodexEngine(binary: string): Engine {
  return createCodexEngine({ binary, killGraceMs: 300, postTerminalGraceMs: 300 });
}

/** In-memory projects table with the repository's get/update semantics. */
export function createFakeProjects(initial: Project[]) {
  const rows = new Map(initial.map((project) => [project.id, { ...project }]));
  const updates: { id: number; patch: ProjectPatch }[] = [];
  let failUpdates: Error | null = null;
  return {
    rows,
    updates,
    failUpdatesWith(error: Error | null) {
      failUpdates = error;
    },
    async get(id: number): Promise<Project> {
      const row = rows.get(id);
      if (!row) throw new NotFoundError(`Project ${id} not found`);
      return { ...row };
    },
    async update(id: number, patch: ProjectPatch): Promise<Project> {
      if (failUpdates) throw failUpdates;
      const row = rows.get(id);
      if (!row) throw new NotFoundError(`Project ${id} not found`);
      updates.push({ id, patch });
      const next = { ...row, ...patch, updated_at: new Date().toISOString() } as Project;
      rows.set(id, next);
      return { ...next };
    },
  };
}

/** In-memory events table: `append` as the repository does it (ids copied into metadata). */
export function createEventStore() {
  const rows: Event[] = [];
  const appended: NewEvent[] = [];
  let nextId = 1;
  return {
    rows,
    appended,
    async append(input: NewEvent): Promise<Event> {
      appended.push(input);
      const metadata: JsonObject = { ...(input.metadata ?? {}) };
      if (input.request_id && !('request_id' in metadata)) metadata['request_id'] = input.request_id;
      if (input.job_id && !('job_id' in metadata)) metadata['job_id'] = input.job_id;
      const event: Event = {
        id: nextId++,
        project_id: input.project_id,
        protocol_run_id: input.protocol_run_id ?? null,
        step_run_id: input.step_run_id ?? null,
        event_type: input.event_type,
        message: input.message,
        metadata: Object.keys(metadata).length ? metadata : null,
        created_at: new Date().toISOString(),
      };
      rows.push(event);
      return event;
    },
  };
}

/** The nine onboarding questions of the original, in its order. */
export const CLARIFICATION_KEYS = [
  'ci_provider',
  'prefer_ssh',
  'git_identity',
  'branch_naming',
  'required_checks',
  'pr_policy',
  'default_models',
  'secrets',
  'codex_discovery',
];

export function makeProject(overrides: Partial<Project> = {}): Project {
  const now = new Date().toISOString();
  return {
    id: 7,
    name: 'widgets',
    git_url: 'https://github.com/acme/widgets.git',
    base_branch: 'main',
    local_path: null,
    ci_provider: null,
    secrets: null,
    default_models: null,
    created_at: now,
    updated_at: now,
    ...overrides,
  };
}

export function makeSetupRun(project: Project, overrides: Partial<ProtocolRun> = {}): ProtocolRun {
  const now = new Date().toISOString();
  return {
    id: 70,
    project_id: project.id,
    protocol_name: `setup-${project.id}`,
    status: 'running',
    base_branch: project.base_branch,
    branch_name: null,
    worktree_path: null,
    protocol_root: null,
    description: 'Project setup and bootstrap',
    template_config: null,
    template_source: null,
    auto_advance: false,
    created_at: now,
    updated_at: now,
    ...overrides,
  };
}

export interface HarnessOptions {
  project?: Partial<Project>;
  config?: Partial<OnboardingConfig>;
  /** Engines of the registry; default the shell engine only. */
  engines?: Engine[];
  deps?: Partial<Pick<OnboardingServiceDeps, 'discoveryTimeoutFloorSeconds' | 'assetsDir'>>;
}

export interface Harness {
  dir: TempDir;
  projectsRoot: string;
  gitService: GitService;
  telemetry: TelemetryService;
  events: ReturnType<typeof createEventStore>;
  projects: ReturnType<typeof createFakeProjects>;
  service: OnboardingService;
  project: Project;
  run: ProtocolRun;
  config: OnboardingConfig;
  logPath: string;
  /** Runs the setup job for the harness project (current row) and run. */
  setup(input?: Partial<ProjectSetupInput>): Promise<ProjectSetupResult>;
  /** Event types recorded so far (optionally only after the first `skip`). */
  types(skip?: number): string[];
  /** Newest event of a type. */
  event(type: string): Event | undefined;
  /** The onboarding summary of the harness run as if `status`, over the recorded events unless `events` are given. */
  summary(
    status: ProtocolRun['status'],
    project?: Project,
    events?: Event[],
  ): ReturnType<OnboardingService['summarize']>;
  remove(): void;
}

export function createHarness(dir: TempDir, options: HarnessOptions = {}): Harness {
  const projectsRoot = join(dir.path, 'projects');
  const gitService = createGitService({
    projectsRoot,
    githubApiUrl: 'http://127.0.0.1:9/github',
    gitlabApiUrl: 'http://127.0.0.1:9/gitlab',
    ghBinary: null,
    glabBinary: null,
    env: isolatedGitEnv(dir.path),
  });
  const events = createEventStore();
  const telemetry = createTelemetryService({
    events,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
  });
  const project = makeProject(options.project);
  const projects = createFakeProjects([project]);
  const engines = options.engines ?? [createShellEngine()];
  const config: OnboardingConfig = {
    autoClone: true,
    ghSsh: true,
    gitUser: undefined,
    gitEmail: undefined,
    planningModel: undefined,
    decomposeModel: undefined,
    execModel: undefined,
    qaModel: undefined,
    discoveryModel: 'gpt-5.1-codex-max',
    discoveryTimeoutSeconds: 15,
    requireOnboardingClarifications: false,
    defaultEngine: engines[0]?.id ?? 'shell',
    projectsRoot,
    engineStallTimeoutSeconds: 30,
    ...options.config,
  };
  const service = createOnboardingService({
    projects,
    git: gitService,
    // The registry's own default is the first engine; the service follows config.defaultEngine.
    engines: createEngineRegistry(engines),
    prompts: createPromptService(),
    telemetry,
    config,
    ...options.deps,
  });
  const run = makeSetupRun(project);
  const logPath = join(dir.path, 'runs', 'job-1', 'logs.txt');
  return {
    dir,
    projectsRoot,
    gitService,
    telemetry,
    events,
    projects,
    service,
    project,
    run,
    config,
    logPath,
    setup: async (input = {}) =>
      service.runProjectSetup({ project: await projects.get(project.id), run, jobId: 'job-1', logPath, ...input }),
    types: (skip = 0) => events.rows.slice(skip).map((event) => event.event_type),
    event: (type) => [...events.rows].reverse().find((event) => event.event_type === type),
    summary: (status, summarized = project, rows = events.rows) =>
      service.summarize(summarized, { ...run, status }, rows),
    remove: () => dir.remove(),
  };
}

/** Every file under `root` except `.git`, with its content and mode: a snapshot to compare runs. */
export function snapshotTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else out[relative(root, path)] = `${(statSync(path).mode & 0o777).toString(8)} ${readFileSync(path, 'utf8')}`;
    }
  };
  walk(root);
  return out;
}

/** `git config --local --list` plus porcelain status: the repository state a re-run must not change. */
export function gitState(repo: string): { config: string; status: string; head: string } {
  return {
    config: git(repo, ['config', '--local', '--list']),
    status: git(repo, ['status', '--porcelain']),
    head: git(repo, ['rev-parse', 'HEAD']),
  };
}

export { createTempDir };
