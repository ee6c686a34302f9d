import { mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Bundles `fixtures/<name>.ts` (sources, not dist) into a script plain node runs as a child process.
 * The bundle lives inside the package so its bare imports (kysely, pg, better-sqlite3, bullmq…) resolve
 * from node_modules; test-artifacts/ is ignored by git and eslint (lint may run while a test does).
 */
export async function bundleFixture(name: string): Promise<{ path: string; remove(): void }> {
  const buildDir = join(here, '..', 'test-artifacts', `${name}-${process.pid}`);
  const path = join(buildDir, `${name}.mjs`);
  mkdirSync(buildDir, { recursive: true });
  await build({
    entryPoints: [join(here, 'fixtures', `${name}.ts`)],
    outfile: path,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@tasksgodzilla/source'],
    external: ['better-sqlite3', 'pg', 'kysely', 'bullmq', 'ioredis', 'p-queue', 'zod'],
    logLevel: 'silent',
  });
  return {
    path,
    remove() {
      rmSync(buildDir, { recursive: true, force: true });
      // Leave no empty test-artifacts folder behind (another run may still be using it).
      try {
        rmdirSync(dirname(buildDir));
      } catch {
        // not empty
      }
    },
  };
}
