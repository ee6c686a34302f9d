import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useTempDir } from '@tasksgodzilla/testing';
import { API_MAIN, freePort, startApp, WORKER_MAIN } from './processes.test-helpers.js';
import { stackEnv } from './stack.test-helpers.js';

// Startup cost (issue 12): with SQLite and the embedded queue, the built api and worker must not load
// the libraries of the backends they do not use; the worker (a node:http health port) not the api's
// web framework either; the api builds its OpenAPI document on the first /openapi.json and never uses
// fastify's default validator and serializer compilers (ajv, fast-json-stringify) nor its `inject`
// (light-my-request, for MCP); better-sqlite3's addon is opened by its path, without the search of its
// `bindings` helper (platform-storage openDatabase); node:zlib waits for the first git object read
// from its file (platform-git), and node:crypto (OpenSSL) for the worker until a job hashes. The list is what the process had loaded when it stopped, after serving
// /health; fastify and better-sqlite3's JavaScript are bundled into the apps' main.cjs
// (tools/scripts/tsup-preset.mjs), so their files are not in it.

const REPORTER = fileURLToPath(new URL('./fixtures/report-loaded-modules.mjs', import.meta.url));

/** The npm packages among the loaded files (scoped names kept whole), and Node's modules as `node:<name>`. */
function loadedPackages(file: string): Set<string> {
  const names = new Set<string>();
  const files = readFileSync(file, 'utf8').split('\n');
  // better-sqlite3's JavaScript is bundled into main.cjs: only its native addon is loaded, by its path.
  expect(files.filter((line) => line.includes('node_modules/better-sqlite3/'))).toEqual([
    expect.stringMatching(/node_modules\/better-sqlite3\/build\/Release\/better_sqlite3\.node$/),
  ]);
  for (const line of files) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line);
    if (match?.[1]) names.add(match[1]);
    // Node's own modules, as the reporter writes them.
    if (line.startsWith('node:')) names.add(line);
  }
  return names;
}

describe('what the built apps load at start (SQLite, embedded queue)', () => {
  const temp = useTempDir('tgz-startup-');

  async function packagesLoadedBy(
    name: string,
    main: string,
    args: (port: number) => string[],
    env: (port: number) => Record<string, string>,
  ) {
    const port = await freePort();
    const file = join(temp.path, `${name}-modules.txt`);
    const app = await startApp(
      name,
      main,
      port,
      args(port),
      {
        ...stackEnv(join(temp.path, 'data')),
        NODE_OPTIONS: `--import ${REPORTER}`,
        LOADED_MODULES_FILE: file,
        ...env(port),
      },
      temp.path,
    );
    const health = await fetch(`${app.url}/health`);
    expect(health.status).toBe(200);
    expect(await app.stop()).toBe(0);
    expect(existsSync(file)).toBe(true);
    return loadedPackages(file);
  }

  it('the worker loads neither BullMQ/ioredis nor pg nor fastify', async () => {
    const loaded = await packagesLoadedBy(
      'worker',
      WORKER_MAIN,
      () => [],
      (port) => ({
        TASKSGODZILLA_WORKER_PORT: String(port),
      }),
    );
    expect(loaded).toContain('better-sqlite3');
    for (const name of [
      'bullmq',
      'ioredis',
      'pg',
      'pg-pool',
      'fastify',
      '@fastify/swagger',
      '@fastify/swagger-ui',
      'bindings',
      'file-uri-to-path',
      // platform-git loads it on the first loose git object it reads.
      'node:zlib',
      // Hashes and HMACs load it on their first call (core sha256Hex), ids come from /dev/urandom
      // (core randomHex), and the code cache is checked by V8's own checksum: loading it initialises
      // OpenSSL, about 0.7 MiB of the idle worker's RSS.
      'node:crypto',
    ])
      expect({ name, loaded: loaded.has(name) }).toEqual({ name, loaded: false });
    expect(loaded).toContain('node:http');
  });

  it("the api loads neither BullMQ/ioredis nor pg, nor the docs UI before /docs, the OpenAPI builder before /openapi.json, fastify's default compilers nor the MCP SDK and fastify's inject before /mcp is asked for, and reads no fastify file (bundled)", async () => {
    const loaded = await packagesLoadedBy(
      'api',
      API_MAIN,
      (port) => ['--host', '127.0.0.1', '--port', String(port), '--inline-worker'],
      () => ({}),
    );
    expect(loaded).toContain('better-sqlite3');
    for (const name of [
      'fastify',
      'semver',
      'bullmq',
      'ioredis',
      'pg',
      'pg-pool',
      '@fastify/swagger-ui',
      '@fastify/static',
      '@fastify/swagger',
      'yaml',
      '@fastify/ajv-compiler',
      '@fastify/fast-json-stringify-compiler',
      'ajv',
      'ajv-formats',
      '@modelcontextprotocol/sdk',
      'light-my-request',
      'bindings',
      'file-uri-to-path',
      'node:zlib',
    ])
      expect({ name, loaded: loaded.has(name) }).toEqual({ name, loaded: false });
  });
});

describe('the api started from its code cache (runtime runWithCodeCache)', () => {
  const temp = useTempDir('tgz-code-cache-');

  it('still loads the libraries it imports on demand: the OpenAPI builder and the docs UI', async () => {
    const cacheDir = join(temp.path, 'cache');
    const serveDocs = async () => {
      const port = await freePort();
      const app = await startApp(
        'api',
        API_MAIN,
        port,
        ['--host', '127.0.0.1', '--port', String(port)],
        { ...stackEnv(join(temp.path, 'data')), TASKSGODZILLA_CODE_CACHE_DIR: cacheDir },
        temp.path,
      );
      const openapi = await fetch(`${app.url}/openapi.json`);
      const docs = await fetch(`${app.url}/docs`);
      const statuses = { openapi: openapi.status, docs: docs.status };
      expect(await app.stop()).toBe(0);
      return statuses;
    };
    // The first start compiles and writes the cache when it exits; the second runs from it.
    expect(await serveDocs()).toEqual({ openapi: 200, docs: 200 });
    expect(readdirSync(cacheDir).filter((file) => file.endsWith('.v8cache'))).toHaveLength(1);
    expect(await serveDocs()).toEqual({ openapi: 200, docs: 200 });
  });
});

describe("the apps' bundles (tools/scripts/tsup-preset.mjs)", () => {
  const bundles = [API_MAIN, WORKER_MAIN].map((main) => join(dirname(main), 'main.cjs'));

  it('call the name helper only where esbuild renamed a function or class, not after every declaration', () => {
    for (const bundle of bundles) {
      const text = readFileSync(bundle, 'utf8');
      // A statement of its own (after `;`, `{`, `}` or a line break) naming a binding by its own name.
      const sameName = text.match(/(?<=^|[;{}\n])\s*__name\d*\(([\w$]+), ?"\1"\);/g) ?? [];
      expect({ bundle, sameName }).toEqual({ bundle, sameName: [] });
      // `class _ValidationError` (esbuild's name for a class that refers to itself) is still named back.
      expect(text).toMatch(/__name\d*\(this, ?"ValidationError"\)/);
      // The same statement is found where it is written, laid out or minified.
      for (const written of ['}\n  __name(answer, "answer");\n', '};__name(answer,"answer");'])
        expect(written.match(/(?<=^|[;{}\n])\s*__name\d*\(([\w$]+), ?"\1"\);/g)).toHaveLength(1);
    }
  });

  it('are laid out without whitespace, run as sloppy-mode scripts (no "use strict" before the banner), and leave their function for the launcher', () => {
    for (const bundle of bundles) {
      const text = readFileSync(bundle, 'utf8');
      expect(
        text.startsWith(
          'globalThis[Symbol.for("tasksgodzilla.bundle")]=function(exports,require,module,__filename,__dirname){',
        ),
      ).toBe(true);
      // Minified: long lines (line breaks are left inside multi-line strings only), not one per statement.
      expect(text.length / text.split('\n').length).toBeGreaterThan(2000);
      // The composed source map still leads to the TypeScript sources.
      const map = JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as { sources: string[] };
      expect(map.sources).toContain('../src/main.ts');
    }
  });
});
