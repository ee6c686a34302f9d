import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { ensureCli, toolsCacheDir } from '@tasksgodzilla/engine-contracts/cli-install';
import { ROOT, eventually, freePort } from '@tasksgodzilla/testing/api-process';
import { VERDACCIO, startLocalRegistry, type LocalRegistry } from '../src/local-registry.js';
import { readmeExamples } from '../src/readme-examples.js';

// The release as an outsider gets it: `nx release` versions and publishes every package of a clean
// clone to a real npm registry (verdaccio on 127.0.0.1, everything else proxied from npm's own
// registry), then a scratch project outside the repository installs them from there and uses them.

const VERSION = '0.9.0-e2e.0';
const LIBRARIES = readdirSync(join(ROOT, 'packages')).filter((d) =>
  existsSync(join(ROOT, 'packages', d, 'package.json')),
);
const PUBLISHED = [...LIBRARIES.map((d) => `packages/${d}`), 'apps/api', 'apps/worker', 'apps/cli'];
const nameOf = (folder: string) =>
  (JSON.parse(readFileSync(join(ROOT, folder, 'package.json'), 'utf8')) as { name: string }).name;

let home: string;
let work: string;
let scratch: string;
let registry: LocalRegistry;
let env: NodeJS.ProcessEnv;
let installOutput: string;

function run(command: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    cwd,
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`,
    );
  return result;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'tgz-release-'));
  const verdaccio = await ensureCli(VERDACCIO, toolsCacheDir(process.env));
  // Outside the workspace (npm refuses `config` in one) and without the npm_* variables of `npm test`.
  const outside = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_')));
  const upstream = execFileSync('npm', ['config', 'get', 'registry'], {
    cwd: home,
    env: outside,
    encoding: 'utf8',
  }).trim();
  registry = await startLocalRegistry({
    binary: verdaccio.binary,
    dir: join(home, 'registry'),
    port: await freePort(),
    upstream,
  });
  env = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !/^(npm_|NX_|NODE_OPTIONS$|TASKSGODZILLA_)/.test(key)),
    ),
    NPM_CONFIG_USERCONFIG: registry.npmrc,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    FORCE_COLOR: '0',
  };

  // A clean clone of what is committed, with this checkout's installed dependencies and build cache.
  work = join(home, 'work');
  run('git', ['clone', '--quiet', '--no-hardlinks', ROOT, work], home);
  for (const folder of ['node_modules', ...['apps/cli', 'apps/console'].map((a) => `${a}/node_modules`), '.nx/cache'])
    if (existsSync(join(ROOT, folder))) {
      mkdirSync(dirname(join(work, folder)), { recursive: true });
      run('cp', ['-al', join(ROOT, folder), join(work, folder)], home);
    }
  run('git', ['config', 'user.name', 'Release Check'], work);
  run('git', ['config', 'user.email', 'release-check@example.invalid'], work);

  run(
    'npx',
    ['nx', 'release', 'version', VERSION, '--git-commit=false', '--git-tag=false', '--stage-changes=false'],
    work,
  );
  run(
    'npx',
    [
      'nx',
      'release',
      'changelog',
      VERSION,
      '--first-release',
      '--git-commit=false',
      '--git-tag=false',
      '--git-push=false',
    ],
    work,
  );
  run('npx', ['nx', 'release', 'publish', '--registry', registry.url, '--tag', 'e2e'], work);

  // An outsider's project: nothing of the monorepo around it.
  scratch = join(home, 'scratch');
  mkdirSync(scratch);
  writeFileSync(
    join(scratch, 'package.json'),
    `${JSON.stringify({ name: 'scratch', private: true, type: 'module', allowScripts: { 'better-sqlite3': true } }, null, 2)}\n`,
  );
  const install = run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      ...PUBLISHED.map((f) => `${nameOf(f)}@${VERSION}`),
      'zod@^4',
      'typescript@5.9.3',
      '@types/node@20',
    ],
    scratch,
  );
  installOutput = `${install.stdout}\n${install.stderr}`;
}, 40 * 60_000);

afterAll(async () => {
  await registry?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('nx release version', () => {
  it('bumps every published package and its internal ranges, leaves the private tools alone, updates the lock', () => {
    for (const folder of PUBLISHED) {
      const pkg = JSON.parse(readFileSync(join(work, folder, 'package.json'), 'utf8')) as Record<string, any>;
      expect([folder, pkg.version]).toEqual([folder, VERSION]);
      for (const [name, range] of Object.entries({ ...pkg.dependencies } as Record<string, string>))
        if (name.startsWith('@tasksgodzilla/')) expect([folder, name, range]).toEqual([folder, name, VERSION]);
      expect(existsSync(join(work, folder, 'CHANGELOG.md'))).toBe(true);
    }
    const lock = JSON.parse(readFileSync(join(work, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    for (const folder of PUBLISHED) expect([folder, lock.packages[folder]?.version]).toEqual([folder, VERSION]);
    const changed = run('git', ['status', '--porcelain'], work).stdout;
    expect(changed).not.toMatch(/tools\//);
  });
});

describe('the installed packages', () => {
  it('install without an engine warning', () => {
    expect(installOutput).not.toContain('EBADENGINE');
  });

  it.each(PUBLISHED)('%s: LICENSE, no specs, exports and source maps that resolve', (folder) => {
    const dir = join(scratch, 'node_modules', nameOf(folder));
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, any>;
    expect(pkg.version).toBe(VERSION);
    expect(existsSync(join(dir, 'LICENSE'))).toBe(true);
    const files = run('find', ['.', '-type', 'f', '-not', '-path', './node_modules/*'], dir).stdout.split('\n');
    expect(files.filter((f) => /\.spec\.tsx?$|\.test-helpers\.ts$/.test(f))).toEqual([]);
    const targets = Object.values(pkg.exports as Record<string, string | Record<string, string>>).flatMap((t) =>
      typeof t === 'string' ? [t] : Object.values(t),
    );
    for (const target of targets) expect([target, existsSync(join(dir, target))]).toEqual([target, true]);
    for (const map of files.filter((f) => f.startsWith('./dist/') && /\.c?js\.map$/.test(f))) {
      const { sources, sourcesContent = [] } = JSON.parse(readFileSync(join(dir, map), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      // A source resolves when the file ships, or when the map embeds its text (the apps' bundled
      // main.cjs embeds the library code it bundles, e.g. zod's, whose files no tarball of ours holds).
      sources.forEach((source, i) => {
        const path = resolve(dirname(join(dir, map)), source);
        const resolves = existsSync(path) || typeof sourcesContent[i] === 'string';
        expect([map, source, resolves]).toEqual([map, source, true]);
      });
    }
  });

  it.each([
    ['tgz', 'Usage: tgz'],
    ['tgz-api', 'Usage:'],
    ['tgz-worker', 'Usage:'],
  ])('npx %s --help works from the install and names no monorepo path', (bin, usage) => {
    const result = run('npx', ['--no-install', bin, '--help'], scratch);
    expect(result.stdout).toContain(usage);
    expect(result.stdout).not.toMatch(/apps\/|packages\/|tools\//);
  });

  it('tgz-api serves the web console built into the package, and the api behind it', async () => {
    const port = await freePort();
    const data = join(home, 'api-data');
    const api = spawn('npx', ['--no-install', 'tgz-api'], {
      cwd: scratch,
      env: {
        ...env,
        TASKSGODZILLA_API_HOST: '127.0.0.1',
        TASKSGODZILLA_API_PORT: String(port),
        TASKSGODZILLA_DB_PATH: join(data, 'tasksgodzilla.sqlite'),
        TASKSGODZILLA_PROJECTS_ROOT: join(data, 'projects'),
        TASKSGODZILLA_LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
      detached: true,
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      const health = await eventually(
        async () => (await fetch(`${base}/health`).catch(() => undefined))?.ok || undefined,
        120_000,
        'tgz-api answering /health',
      );
      expect(health).toBe(true);
      const page = await (await fetch(`${base}/console`)).text();
      expect(page).toContain('<title>TasksGodzilla Console</title>');
      const script = /src="(\/console\/static\/[^"]+\.js)"/.exec(page)?.[1] ?? /src="([^"]+\.js)"/.exec(page)?.[1];
      expect(script).toBeDefined();
      expect((await fetch(`${base}${script}`)).status).toBe(200);
    } finally {
      if (api.pid) process.kill(-api.pid, 'SIGTERM');
      await new Promise((done) => (api.exitCode !== null ? done(undefined) : api.once('exit', done)));
    }
  });

  it.each(PUBLISHED)('%s: publint and arethetypeswrong (ESM-only profile) report no errors', (folder) => {
    const dir = join(scratch, 'node_modules', nameOf(folder));
    run('npx', ['--yes', 'publint@0.3.25', 'run', dir, '--level', 'error'], scratch);
    run(
      'npx',
      ['--yes', '@arethetypeswrong/cli@0.18.5', '--pack', dir, '--profile', 'esm-only', '--format', 'table'],
      scratch,
    );
  });
});

describe('README examples, as written, against the installed packages', () => {
  const examples = PUBLISHED.flatMap((folder) =>
    readmeExamples(readFileSync(join(ROOT, folder, 'README.md'), 'utf8'))
      .filter((e) => e.runnable)
      .map((e) => ({ ...e, folder, file: `${folder.replace('/', '-')}-${e.line}` })),
  );

  it('there are runnable examples', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it('typecheck under nodenext', () => {
    const dir = join(scratch, 'examples');
    mkdirSync(dir, { recursive: true });
    for (const e of examples) writeFileSync(join(dir, `${e.file}.ts`), e.code);
    // Every package's public types, for a consumer that type-checks libraries too (skipLibCheck false).
    writeFileSync(
      join(dir, 'all-packages.ts'),
      PUBLISHED.map((f, i) => `import * as p${i} from '${nameOf(f)}';\nexport { p${i} };\n`).join(''),
    );
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        include: ['examples/*.ts'],
      }),
    );
    run('npx', ['--no-install', 'tsc', '-p', 'tsconfig.json'], scratch);
  });

  it.each(examples.map((e) => [`${e.folder}/README.md:${e.line}`, e] as const))('%s runs', (_name, e) => {
    const file = join(scratch, 'examples', `${e.file}.mjs`);
    writeFileSync(
      file,
      ts.transpileModule(e.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } })
        .outputText,
    );
    const result = spawnSync(process.execPath, [file], { cwd: scratch, env, encoding: 'utf8', timeout: 300_000 });
    expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({
      status: 0,
      stderr: '',
    });
    // `console.log(x); // text`: the line printed is `text` (or starts with what precedes a `…`).
    const expected = [...e.code.matchAll(/console\.log\(.*\);\s*\/\/\s*(.+)$/gm)].map((m) => m[1]!.trim());
    const printed = result.stdout.trimEnd().split('\n');
    expected.forEach((text, i) => {
      const line = printed[i] ?? '';
      if (text.includes('…')) expect(line.startsWith(text.split('…')[0]!.trimEnd())).toBe(true);
      else expect(line).toBe(text);
    });
  });
});
