import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Config } from '@tasksgodzilla/core';
import { build, type Plugin } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

// Workspace packages are bundled from their sources; every other package stays a bare import that
// node resolves from node_modules (native drivers cannot be bundled).
// Sources that find files next to themselves (prompt templates) keep their own import.meta.url.
const workspaceSources: Plugin = {
  name: 'workspace-sources',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@tasksgodzilla/') ? undefined : { path: args.path, external: true },
    );
    b.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: 'ts',
    }));
  },
};

/** The runtime worker fixture bundled into `test-artifacts/` (ignored by git and eslint). */
export async function bundleRuntimeWorker(): Promise<{ bundle: string; remove(): void }> {
  const buildDir = join(
    here,
    '..',
    'test-artifacts',
    `runtime-worker-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  );
  mkdirSync(buildDir, { recursive: true });
  const bundle = join(buildDir, 'runtime-worker.mjs');
  await build({
    entryPoints: [join(here, 'fixtures', 'runtime-worker.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@tasksgodzilla/source'],
    plugins: [workspaceSources],
    logLevel: 'silent',
  });
  return {
    bundle,
    remove() {
      rmSync(buildDir, { recursive: true, force: true });
      try {
        rmdirSync(dirname(buildDir));
      } catch {
        // another run still uses it
      }
    },
  };
}

export interface WorkerProcess {
  proc: ChildProcess;
  stderr(): string;
  /**
   * SIGKILLs the worker and resolves once it is gone. Its spawn helper (platform-git) then kills the
   * process groups of what it started, as it does whenever its parent dies.
   */
  kill(): Promise<void>;
  /**
   * SIGKILLs the worker's whole process group, its spawn helper with it, in one signal: a crash that
   * takes both, after which only the fence of the next attempt cleans up what the step left running
   * (its processes are in process groups of their own).
   */
  killWithHelper(): Promise<void>;
}

/** Starts a worker process on the same database as `config`. */
export function startWorkerProcess(bundle: string, config: Readonly<Config>): WorkerProcess {
  // A process group of its own, so killWithHelper can take the worker and its spawn helper at once.
  const proc = spawn(process.execPath, [bundle, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  proc.stdout?.resume();
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    proc,
    stderr: () => stderr,
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
    async killWithHelper() {
      if (proc.pid !== undefined && proc.exitCode === null && proc.signalCode === null)
        process.kill(-proc.pid, 'SIGKILL');
      await exited;
    },
  };
}
