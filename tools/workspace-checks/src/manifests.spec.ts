import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const packages = readdirSync(join(root, 'packages')).filter((d) =>
  existsSync(join(root, 'packages', d, 'package.json')),
);

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
