import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const packages = readdirSync(join(root, 'packages')).filter((d) =>
  existsSync(join(root, 'packages', d, 'package.json')),
);
/** What `nx release` publishes: every library and the three installable apps. */
const published = [...packages.map((d) => `packages/${d}`), 'apps/api', 'apps/worker', 'apps/cli'];
const privateFolders = ['apps/console', ...readdirSync(join(root, 'tools')).map((d) => `tools/${d}`)].filter((f) =>
  existsSync(join(root, f, 'package.json')),
);
const rootLicense = readFileSync(join(root, 'LICENSE'), 'utf8');
const readPkg = (folder: string) =>
  JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8')) as Record<string, any>;

describe.each(packages)('packages/%s manifest', (folder) => {
  const dir = join(root, 'packages', folder);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, any>;

  it('is a publishable ESM package named after its folder', () => {
    expect(pkg.name).toBe(`@tasksgodzilla/${folder}`);
    expect(pkg.type).toBe('module');
    expect(pkg.private).toBeUndefined();
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.files).toEqual(expect.arrayContaining(['dist', 'README.md']));
    expect(pkg.exports['.'].import).toBe('./dist/index.js');
    expect(pkg.exports['.'].types).toBe('./dist/index.d.ts');
    expect(pkg.exports['.']['@tasksgodzilla/source']).toBe('./src/index.ts');
  });

  it('shares the lockstep version and pins workspace deps to it', () => {
    expect(pkg.version).toBe(rootPkg.version);
    for (const [name, range] of Object.entries({ ...pkg.dependencies, ...pkg.peerDependencies } as Record<
      string,
      string
    >)) {
      expect(range).not.toBe('*');
      expect(range.startsWith('workspace:')).toBe(false);
      if (name.startsWith('@tasksgodzilla/')) expect(range).toBe(rootPkg.version);
    }
  });

  it('has a README with a usage example and an index with no default export', () => {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme).toMatch(/```(ts|typescript)/);
    const index = readFileSync(join(dir, 'src', 'index.ts'), 'utf8');
    expect(index).not.toMatch(/export default/);
  });
});

describe.each(published)('%s publishes as a public package', (folder) => {
  const pkg = readPkg(folder);

  it('is public, with a repository pointing at its folder, and the root LICENSE beside it', () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.license).toBe('MIT');
    expect(pkg.publishConfig).toEqual({ access: 'public' });
    expect(pkg.repository).toMatchObject({ type: 'git', directory: folder });
    expect(pkg.repository.url).toBe(readPkg('packages/core').repository.url);
    expect(readFileSync(join(root, folder, 'LICENSE'), 'utf8')).toBe(rootLicense);
  });

  it('ships its sources (the source condition and the source maps point there) but no specs or test helpers', () => {
    expect(pkg.files).toEqual(
      expect.arrayContaining([
        'dist',
        'src',
        '!src/**/*.spec.ts',
        '!src/**/*.test-helpers.ts',
        'README.md',
        'LICENSE',
        'CHANGELOG.md',
      ]),
    );
    expect(pkg.engines).toEqual({ node: '>=20.19' });
  });

  it('every package it installs accepts the oldest Node it declares (no EBADENGINE on install)', () => {
    const tooNew = productionTree(folder).filter(({ engines }) => engines && !satisfies('20.19.0', engines));
    expect(tooNew).toEqual([]);
  });

  it('depends on private workspace tools only as devDependencies', () => {
    const privateNames = privateFolders.map((f) => readPkg(f).name as string);
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }))
      expect(privateNames).not.toContain(name);
  });
});

type LockEntry = {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  engines?: { node?: string } | string[];
  link?: boolean;
  resolved?: string;
};
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const { satisfies } = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
};

/** Resolves `name` from the lock entry at `from` the way Node does: the nearest node_modules up the path. */
function resolveInLock(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : '') {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return undefined;
  }
}

/** Every lock entry a production install of the workspace package at `folder` brings in, with its engines.node. */
function productionTree(folder: string): { path: string; engines?: string }[] {
  const seen = new Map<string, string | undefined>();
  const visit = (path: string) => {
    let entry = lock.packages[path];
    if (entry?.link && entry.resolved) {
      path = entry.resolved;
      entry = lock.packages[path];
    }
    if (!entry || seen.has(path)) return;
    seen.set(path, Array.isArray(entry.engines) ? undefined : entry.engines?.node);
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const target = resolveInLock(path, name);
      if (target) visit(target);
    }
  };
  visit(folder);
  return [...seen].map(([path, engines]) => ({ path, ...(engines ? { engines } : {}) }));
}

describe.each(privateFolders)('%s (private, never released)', (folder) => {
  const pkg = readPkg(folder);

  it('is private and takes the workspace packages at any version, so a release never strands it on an old one', () => {
    expect(pkg.private).toBe(true);
    for (const section of ['dependencies', 'devDependencies', 'peerDependencies'])
      for (const [name, range] of Object.entries((pkg[section] ?? {}) as Record<string, string>))
        if (name.startsWith('@tasksgodzilla/')) expect([name, range]).toEqual([name, '*']);
  });
});

describe('nx release', () => {
  const nx = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8')) as { release: Record<string, any> };

  it('versions the libraries and the installable apps together and writes changelogs', () => {
    expect(nx.release.projects).toEqual(
      published.map((f) => f.replace(/^packages\/.*/, 'packages/*')).filter((f, i, all) => all.indexOf(f) === i),
    );
    expect(nx.release.projectsRelationship).toBe('fixed');
    expect(nx.release.changelog.projectChangelogs).toBeTruthy();
  });
});
