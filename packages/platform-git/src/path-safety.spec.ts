import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '@tasksgodzilla/core';
import { resolveInside, sanitizeStepFilename } from './path-safety.js';
import { useTempDir } from './git.test-helpers.js';

describe('sanitizeStepFilename', () => {
  it.each([
    ['01-setup.md', '01-setup.md'],
    ['../../etc/02-build.md', '02-build.md'],
    ['..\\..\\windows\\03-test.md', '03-test.md'],
    ['/abs/path/04-deploy.md', '04-deploy.md'],
    ['.hidden-05.md', 'hidden-05.md'],
    ['..06-x..md', '06-x.md'],
    ['07 write\tthe\u0000 docs.md', '07-write-the-docs.md'],
    ['08-ré sumé.md', '08-ré-sumé.md'],
    ['--09-flag.md', '09-flag.md'],
    ['10-a$(rm -rf x).md', '10-a-rm-rf-x.md'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeStepFilename(input)).toBe(expected);
  });

  it('keeps long names bounded with their extension', () => {
    const name = sanitizeStepFilename(`11-${'a'.repeat(300)}.md`);
    expect(name.length).toBeLessThanOrEqual(120);
    expect(name.startsWith('11-aaa')).toBe(true);
    expect(name.endsWith('.md')).toBe(true);
  });

  it.each(['', '..', '../..', '/', '...', '\u0000\u0001', 'dir/', '  ', '.-_'])('rejects %j', (input) => {
    expect(() => sanitizeStepFilename(input)).toThrow(ValidationError);
  });
});

describe('resolveInside', () => {
  const dir = useTempDir('tgz-git-paths-');
  let root: string;

  beforeEach(() => {
    root = join(dir.path, 'protocol');
    mkdirSync(join(root, 'sub'), { recursive: true });
    mkdirSync(join(dir.path, 'outside'));
    writeFileSync(join(dir.path, 'outside', 'secret.txt'), 'x');
  });

  it('resolves paths inside the root, existing or not', () => {
    expect(resolveInside(root, 'plan.md')).toBe(join(root, 'plan.md'));
    expect(resolveInside(root, 'sub/../sub/new/file.md')).toBe(join(root, 'sub', 'new', 'file.md'));
    expect(resolveInside(root, join(root, 'sub', 'a.md'))).toBe(join(root, 'sub', 'a.md'));
    expect(resolveInside(root, '.')).toBe(root);
  });

  it.each(['../outside/secret.txt', '..', 'sub/../../x', '/etc/passwd', '', 'a\u0000b'])('rejects %j', (rel) => {
    expect(() => resolveInside(root, rel)).toThrow(ValidationError);
  });

  it('rejects a symlink that points outside, and paths beneath it', () => {
    symlinkSync(join(dir.path, 'outside'), join(root, 'link'));
    symlinkSync(join(dir.path, 'outside', 'secret.txt'), join(root, 'file-link'));
    expect(() => resolveInside(root, 'link')).toThrow(ValidationError);
    expect(() => resolveInside(root, 'link/secret.txt')).toThrow(ValidationError);
    expect(() => resolveInside(root, 'link/not-yet/created.md')).toThrow(ValidationError);
    expect(() => resolveInside(root, 'file-link')).toThrow(ValidationError);
  });

  it('rejects a dangling symlink whose target would be created outside', () => {
    symlinkSync(join(dir.path, 'outside', 'will-be-created.md'), join(root, 'dangling.md'));
    expect(() => resolveInside(root, 'dangling.md')).toThrow(ValidationError);
  });

  it('accepts symlinks that stay inside, and a root that is itself a symlink', () => {
    symlinkSync(join(root, 'sub'), join(root, 'inner-link'));
    expect(resolveInside(root, 'inner-link/x.md')).toBe(join(root, 'inner-link', 'x.md'));
    const aliasRoot = join(dir.path, 'alias');
    symlinkSync(root, aliasRoot);
    expect(resolveInside(aliasRoot, 'sub/x.md')).toBe(join(aliasRoot, 'sub', 'x.md'));
  });
});
