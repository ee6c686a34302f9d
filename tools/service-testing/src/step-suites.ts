import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Project, ProtocolRun, StepRun } from '@tasksgodzilla/core';
import { fakeEngineBinary, writeFixture, type FakeEngineName } from './fake-engines.js';
import { project, protocolRun, stepRun } from './fixtures.js';
import { createTestTelemetry, type TestTelemetry } from './telemetry.js';
import { createWorkspace, type Workspace, type WorkspaceOptions } from './workspace.js';

/** Options of a CLI engine adapter (`createCodexEngine(…)`) that runs a fake engine CLI. */
export interface FakeCliOptions {
  binary: string;
  killGraceMs: number;
  postTerminalGraceMs: number;
}

/** What a fake engine recorded of its last run: arguments, working dir and stdin. */
export interface FakeArgv {
  argv: string[];
  cwd: string;
  stdin: string;
}

/** Where the fakes of {@link fakeCliOptions} record their runs (`FAKE_ENGINE_ARGV_FILE`). */
export function fakeArgvFile(dir: string): string {
  return join(dir, 'argv.json');
}

/** The last run a fake of {@link fakeCliOptions} recorded in `dir`. */
export function readFakeArgv(dir: string): FakeArgv {
  return JSON.parse(readFileSync(fakeArgvFile(dir), 'utf8')) as FakeArgv;
}

/**
 * Options for a CLI engine adapter whose binary is the fake `engine` CLI playing `fixture` (a fixture
 * name, a `.jsonl` path, or records written to a new file in `dir`) and recording each run in
 * {@link fakeArgvFile}; `env` adds fake settings (`FAKE_ENGINE_HANG` …), `envFile` receives the
 * environment the CLI was started with. Short kill and post-terminal graces keep failing tests fast.
 */
export function fakeCliOptions(
  dir: string,
  engine: FakeEngineName,
  fixture: string | unknown[],
  options: { env?: Record<string, string>; envFile?: string } = {},
): FakeCliOptions {
  const path =
    typeof fixture === 'string'
      ? fixture
      : writeFixture(dir, `fixture-${Math.random().toString(36).slice(2, 8)}`, fixture);
  const fake = fakeEngineBinary(dir, engine, {
    FAKE_ENGINE_FIXTURE: path,
    FAKE_ENGINE_ARGV_FILE: fakeArgvFile(dir),
    ...options.env,
  });
  return {
    binary: options.envFile ? envRecording(fake, options.envFile) : fake,
    killGraceMs: 200,
    postTerminalGraceMs: 200,
  };
}

/** A wrapper of `binary` that writes its environment to `envFile` first. */
function envRecording(binary: string, envFile: string): string {
  const wrapper = binary.replace(/\.sh$/, '-env.sh');
  writeFileSync(wrapper, `#!/bin/sh\nenv > '${envFile}'\nexec '${binary}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

/** The fields of a step service's input (execution, QA) that name the step and point into a workspace. */
export interface WorkspaceStepInput {
  project: Project;
  run: ProtocolRun;
  step: StepRun;
  worktreePath: string;
  protocolRoot: string;
  logPath: string;
}

/** Project 7, run 11 and step 23 (with `step` overrides) in the workspace's worktree, protocol folder and log. */
export function workspaceStepInput(ws: Workspace, step: Partial<StepRun> = {}): WorkspaceStepInput {
  return {
    project: project(),
    run: protocolRun(),
    step: stepRun(step),
    worktreePath: ws.worktreePath,
    protocolRoot: ws.protocolRoot,
    logPath: ws.logPath,
  };
}

/** The current test's workspace and telemetry (see {@link useStepWorkspace}). */
export interface StepSuite {
  readonly ws: Workspace;
  readonly tel: TestTelemetry;
}

export interface StepWorkspaceHooks {
  /** Runs after each test, before its workspace is removed (e.g. waits for queued pushes). */
  beforeRemove?: () => Promise<void>;
}

/**
 * For every test of the calling `describe`: a fresh workspace with the given step files (removed after
 * the test) and a fresh test telemetry.
 */
export function useStepWorkspace(
  stepFiles: Record<string, string>,
  options: WorkspaceOptions = {},
  hooks: StepWorkspaceHooks = {},
): StepSuite {
  let current: { ws: Workspace; tel: TestTelemetry } | null = null;
  beforeEach(async () => {
    current = { ws: await createWorkspace(stepFiles, options), tel: createTestTelemetry() };
  });
  afterEach(async () => {
    await hooks.beforeRemove?.();
    current?.ws.remove();
    current = null;
  });
  const now = () => {
    if (!current) throw new Error('useStepWorkspace: used outside a test');
    return current;
  };
  return {
    get ws() {
      return now().ws;
    },
    get tel() {
      return now().tel;
    },
  };
}

/**
 * Sets the given process environment variables for every test of the calling `describe` and puts the
 * previous values back after each.
 */
export function useProcessEnv(values: Record<string, string>): void {
  const saved = new Map<string, string | undefined>();
  beforeEach(() => {
    for (const [name, value] of Object.entries(values)) {
      saved.set(name, process.env[name]);
      process.env[name] = value;
    }
  });
  afterEach(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    saved.clear();
  });
}
