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
  /** SIGKILLs the worker and resolves once it is gone. */
  kill(): Promise<void>;
}

/** Starts a worker process on the same database as `config`. */
export function startWorkerProcess(bundle: string, config: Readonly<Config>): WorkerProcess {
  const proc = spawn(process.execPath, [bundle, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
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
  };
}
