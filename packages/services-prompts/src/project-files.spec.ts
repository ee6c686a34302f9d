import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@tasksgodzilla/testing';
import { readProjectFile } from './project-files.js';

describe('readProjectFile confinement', () => {
  let dir: TempDir;
  let root: string;
  beforeEach(() => {
    dir = createTempDir('tgz-project-files-');
    root = join(dir.path, 'checkout');
    mkdirSync(join(root, 'docs'), { recursive: true });
    writeFileSync(join(root, 'docs', 'guide.md'), 'inside');
    writeFileSync(join(dir.path, 'secret.md'), 'outside');
  });
  afterEach(() => dir.remove());

  it('reads a file of the checkout, following symlinks that stay inside', async () => {
    symlinkSync(join(root, 'docs'), join(root, 'alias'));
    expect((await readProjectFile(root, 'docs/guide.md'))?.bytes.toString()).toBe('inside');
    expect(await readProjectFile(root, 'alias/guide.md')).toEqual({
      path: join(root, 'alias/guide.md'),
      bytes: Buffer.from('inside'),
    });
  });

  it('is null for `..` escapes, absolute paths elsewhere, and symlinks (of the file or a folder) leading out', async () => {
    symlinkSync(join(dir.path, 'secret.md'), join(root, 'file-link.md'));
    symlinkSync(dir.path, join(root, 'folder-link'));
    for (const relative of ['../secret.md', 'docs/../../secret.md', join(dir.path, 'secret.md'), 'file-link.md'])
      expect([relative, await readProjectFile(root, relative)]).toEqual([relative, null]);
    expect(await readProjectFile(root, 'folder-link/secret.md')).toBeNull();
  });

  it('is null for a missing file, a folder, or a path through a file', async () => {
    expect(await readProjectFile(root, 'missing.md')).toBeNull();
    expect(await readProjectFile(root, 'docs')).toBeNull();
    expect(await readProjectFile(root, 'docs/guide.md/x')).toBeNull();
    expect(await readProjectFile(join(dir.path, 'no-checkout'), 'docs/guide.md')).toBeNull();
  });
});
