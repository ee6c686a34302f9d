import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Event, type Project, type ProtocolRun, type StepRun } from '@tasksgodzilla/core';
import { createGitService, type GitService } from '@tasksgodzilla/platform-git';
import { createLogger, createMetrics, createTelemetryService, type Metrics, type TelemetryService } from '@tasksgodzilla/platform-telemetry';
import { createTempDir, createTestRepo, git, type TempDir } from '@tasksgodzilla/testing';
import type { ExecutionConfig } from '../src/index.js';

export const FAKE_ENGINES_DIR = fileURLToPath(new URL('../../../tools/fake-engines/', import.meta.url));

const T0 = '2026-11-27T17:00:00.000Z';

export interface TestTelemetry {
  telemetry: TelemetryService;
  events: Event[];
  metrics: Metrics;
}

/** A real TelemetryService over an in-memory event list, logging to nowhere. */
export function createTestTelemetry(): TestTelemetry {
  const events: Event[] = [];
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const metrics = createMetrics();
  const telemetry = createTelemetryService({
    events: {
      append: async (input) => {
        const event: Event = {
          id: events.length + 1,
          project_id: input.project_id,
          protocol_run_id: input.protocol_run_id ?? null,
          step_run_id: input.step_run_id ?? null,
          event_type: input.event_type,
          message: input.message,
          metadata: input.metadata ?? null,
          created_at: T0,
        };
        events.push(event);
        return event;
      },
    },
    logger: createLogger({ destination: sink }),
    metrics,
  });
  return { telemetry, events, metrics };
}

export function testConfig(overrides: Partial<ExecutionConfig> = {}): ExecutionConfig {
  const base = loadConfig({});
  return {
    execModel: undefined,
    defaultEngine: 'shell',
    maxTokensPerStep: undefined,
    maxTokensPerProtocol: undefined,
    maxCostUsdPerStep: undefined,
    maxCostUsdPerProtocol: undefined,
    tokenBudgetMode: 'strict',
    engineTimeoutSeconds: 20,
    engineStallTimeoutSeconds: 10,
    runsDir: base.runsDir,
    ...overrides,
  };
}

export function project(overrides: Partial<Project> = {}): Project {
  return {
    id: 7,
    name: 'demo',
    git_url: 'file:///dev/null',
    base_branch: 'main',
    local_path: null,
    ci_provider: null,
    secrets: null,
    default_models: null,
    created_at: T0,
    updated_at: T0,
    ...overrides,
  };
}

export function protocolRun(overrides: Partial<ProtocolRun> = {}): ProtocolRun {
  return {
    id: 11,
    project_id: 7,
    protocol_name: '0001-demo',
    status: 'running',
    base_branch: 'main',
    branch_name: '0001-demo',
    worktree_path: null,
    protocol_root: null,
    description: null,
    template_config: null,
    template_source: null,
    auto_advance: false,
    created_at: T0,
    updated_at: T0,
    ...overrides,
  };
}

export function stepRun(overrides: Partial<StepRun> = {}): StepRun {
  return {
    id: 23,
    protocol_run_id: 11,
    step_index: 1,
    step_name: '01-build.md',
    step_type: 'work',
    status: 'running',
    retries: 0,
    model: null,
    engine_id: null,
    policy: null,
    runtime_state: null,
    summary: null,
    created_at: T0,
    updated_at: T0,
    ...overrides,
  };
}

export interface Workspace {
  dir: TempDir;
  repoPath: string;
  originPath: string;
  worktreePath: string;
  protocolRoot: string;
  branch: string;
  logPath: string;
  git: GitService;
  remove(): void;
}

/**
 * A repo with a bare origin, the protocol's worktree and branch (through the real GitService) and a
 * committed protocol folder with the given step files.
 */
export async function createWorkspace(stepFiles: Record<string, string>, options: { withOrigin?: boolean } = {}): Promise<Workspace> {
  const dir = createTempDir('tgz-exec-');
  const { path: repoPath, originPath } = createTestRepo(dir.path, { withOrigin: options.withOrigin ?? true });
  const emptyConfig = join(dir.path, 'empty.gitconfig');
  writeFileSync(emptyConfig, '');
  const service = createGitService({
    projectsRoot: join(dir.path, 'projects'),
    githubApiUrl: 'http://127.0.0.1:9/github',
    gitlabApiUrl: 'http://127.0.0.1:9/gitlab',
    ghBinary: null,
    glabBinary: null,
    identity: { name: 'Godzilla Bot', email: 'bot@tasksgodzilla.invalid' },
    env: { ...process.env, GIT_CONFIG_GLOBAL: emptyConfig, GIT_CONFIG_NOSYSTEM: '1' },
  });
  const wt = await service.ensureWorktree({ repoPath, protocolName: '0001-demo', baseBranch: 'main' });
  const protocolRoot = join(wt.path, '.protocols', '0001-demo');
  mkdirSync(protocolRoot, { recursive: true });
  writeFileSync(join(protocolRoot, 'plan.md'), '# Plan\n\n- Build the greeting.\n');
  writeFileSync(join(protocolRoot, 'context.md'), 'Small repo.\n');
  writeFileSync(join(protocolRoot, 'log.md'), '');
  for (const [name, content] of Object.entries(stepFiles)) writeFileSync(join(protocolRoot, name), content);
  git(wt.path, ['add', '-A']);
  git(wt.path, ['commit', '-m', 'plan 0001-demo']);
  return {
    dir,
    repoPath,
    originPath,
    worktreePath: wt.path,
    protocolRoot,
    branch: wt.branch,
    logPath: join(dir.path, 'runs', 'job-1', 'run.log'),
    git: service,
    remove: () => dir.remove(),
  };
}

/**
 * An executable that runs a fake engine CLI of tools/fake-engines with the given env (fixture,
 * argv recording), so an engine adapter can be pointed at it as its binary.
 */
export function fakeEngineBinary(dir: string, engine: 'codex' | 'claude' | 'opencode', env: Record<string, string>): string {
  const path = join(dir, `fake-${engine}-${Object.keys(env).length}-${Math.random().toString(36).slice(2, 8)}.sh`);
  const exports = Object.entries(env)
    .map(([key, value]) => `export ${key}='${value.replace(/'/g, `'\\''`)}'`)
    .join('\n');
  writeFileSync(path, `#!/bin/sh\n${exports}\nexec '${process.execPath}' '${join(FAKE_ENGINES_DIR, `fake-${engine}.mjs`)}' "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A JSONL fixture written to a file (played by a fake engine through FAKE_ENGINE_FIXTURE). */
export function writeFixture(dir: string, name: string, records: unknown[]): string {
  const path = join(dir, `${name}.jsonl`);
  writeFileSync(path, `${records.map((record) => (typeof record === 'string' ? record : JSON.stringify(record))).join('\n')}\n`);
  return path;
}
