import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTempDir, type TempDir } from '@tasksgodzilla/testing';
import type { Engine, EngineEvent, EngineRequest, EngineResult } from '../engine.types.js';

/** tools/fake-engines of the workspace. */
export const FAKE_ENGINES_DIR = fileURLToPath(new URL('../../../../tools/fake-engines/', import.meta.url));

export function fakeBinary(name: 'codex' | 'claude' | 'opencode'): string {
  return join(FAKE_ENGINES_DIR, `fake-${name}.mjs`);
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return existsSync(`/proc/${pid}`);
  }
}

/** Polls until the process is gone; false if it is still alive after `limitMs`. */
export async function waitForExit(pid: number, limitMs = 5000): Promise<boolean> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return !isAlive(pid);
}

/** Whether the process whose pid a fake wrote to `pidFile` is gone (polled like {@link waitForExit}). */
export async function pidFileExited(pidFile: string): Promise<boolean> {
  return waitForExit(Number(readFileSync(pidFile, 'utf8').trim()));
}

export interface FakeRun {
  result: EngineResult;
  events: EngineEvent[];
  log: string;
}

/** A temp workspace for one contract test: working dir, log path, argv record. */
export interface FakeWorkspace {
  dir: TempDir;
  workingDir: string;
  logPath: string;
  argvFile: string;
  /** Runs the engine with the fake's env (fixture and recording) and collects events and log. */
  run(
    engine: Engine,
    operation: 'plan' | 'execute' | 'qa',
    env: Record<string, string>,
    request?: Partial<EngineRequest>,
  ): Promise<FakeRun>;
  argv(): { argv: string[]; cwd: string; stdin: string; env: Record<string, string> };
  remove(): void;
}

export function createFakeWorkspace(): FakeWorkspace {
  const dir = createTempDir('tgz-engines-');
  const workingDir = dir.path;
  const logPath = join(dir.path, 'logs', 'run.log');
  const argvFile = join(dir.path, 'argv.json');
  return {
    dir,
    workingDir,
    logPath,
    argvFile,
    async run(engine, operation, env, request = {}) {
      const events: EngineEvent[] = [];
      const result = await engine.run(operation, {
        prompt: 'Add a greeting module with a test.',
        workingDir,
        logPath,
        stallTimeoutMs: 10_000,
        timeoutMs: 20_000,
        onEvent: (event) => events.push(event),
        ...request,
        env: { FAKE_ENGINE_ARGV_FILE: argvFile, ...env, ...request.env },
      });
      return { result, events, log: existsSync(logPath) ? readFileSync(logPath, 'utf8') : '' };
    },
    argv: () => JSON.parse(readFileSync(argvFile, 'utf8')),
    remove: () => dir.remove(),
  };
}

/**
 * A value made fresh for every test of the calling `describe` (in `beforeEach`) and disposed of in
 * `afterEach`; the returned function gives the current test's value.
 */
function perTest<T>(name: string, create: () => T, dispose: (value: T) => void): () => T {
  let current: T | undefined;
  beforeEach(() => {
    current = create();
  });
  afterEach(() => {
    if (current !== undefined) dispose(current);
    current = undefined;
  });
  return () => {
    if (current === undefined) throw new Error(`${name}: used outside a test`);
    return current;
  };
}

/** A fresh temp folder for every test of the calling `describe`; `path` is the current test's. */
export function useTempDir(prefix: string): { readonly path: string } {
  const dir = perTest(
    'useTempDir',
    () => createTempDir(prefix),
    (tmp) => tmp.remove(),
  );
  return {
    get path() {
      return dir().path;
    },
  };
}

/**
 * A fresh {@link FakeWorkspace} for every test of the calling `describe` (made in `beforeEach`, removed in
 * `afterEach`); the returned object always acts on the current test's workspace.
 */
export function useFakeWorkspace(): Omit<FakeWorkspace, 'remove'> {
  const ws = perTest('useFakeWorkspace', createFakeWorkspace, (workspace) => workspace.remove());
  return {
    get dir() {
      return ws().dir;
    },
    get workingDir() {
      return ws().workingDir;
    },
    get logPath() {
      return ws().logPath;
    },
    get argvFile() {
      return ws().argvFile;
    },
    run: (...args) => ws().run(...args),
    argv: () => ws().argv(),
  };
}

/** The arguments every `opencode run` of the adapter starts with, before the model, session and message. */
export function opencodeRunArgs(workingDir: string): string[] {
  return ['run', '--format', 'json', '--print-logs', '--log-level', 'ERROR', '--dir', workingDir];
}
