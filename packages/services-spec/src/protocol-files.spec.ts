import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '@tasksgodzilla/core';
import { useTempDir } from '@tasksgodzilla/testing';
import { parsePlanningOutput, writeProtocolFiles } from './protocol-files.js';
import { planningOutput } from './spec.test-helpers.js';

describe('writeProtocolFiles', () => {
  const dir = useTempDir('tgz-spec-');
  let root: string;
  beforeEach(() => {
    root = join(dir.path, 'repo', '.protocols', '0001-demo');
  });
  /** Writes a planning answer with these `[filename, content]` step files into `root`. */
  const writeSteps = (...files: [filename: string, content: string][]) =>
    writeProtocolFiles(root, planningOutput(files.map(([filename, content]) => ({ filename, content }))));

  it('writes plan, context, log and the step files into a new protocol folder', async () => {
    const result = await writeSteps(['00-setup.md', 'setup'], ['01-build.md', 'build']);
    expect(readdirSync(root).sort()).toEqual(['00-setup.md', '01-build.md', 'context.md', 'log.md', 'plan.md']);
    expect(readFileSync(join(root, 'plan.md'), 'utf8')).toBe('# Plan\n');
    expect(readFileSync(join(root, '01-build.md'), 'utf8')).toBe('build');
    expect(result.stepFiles.map((file) => file.filename)).toEqual(['00-setup.md', '01-build.md']);
    expect(result.written).toHaveLength(5);
    expect(result.notSteps).toEqual([]);
  });

  it('sanitizes names so nothing escapes the protocol folder', async () => {
    const result = await writeSteps(
      ['../../../escape/02-evil.md', 'a'],
      ['/etc/03-abs.md', 'b'],
      ['..\\..\\04-win.md', 'c'],
      ['05 spaced name', 'd'],
    );
    expect(result.stepFiles.map((file) => [file.requested, file.filename])).toEqual([
      ['../../../escape/02-evil.md', '02-evil.md'],
      ['/etc/03-abs.md', '03-abs.md'],
      ['..\\..\\04-win.md', '04-win.md'],
      ['05 spaced name', '05-spaced-name.md'],
    ]);
    expect(existsSync(join(dir.path, 'escape'))).toBe(false);
    for (const file of result.stepFiles) expect(file.path.startsWith(`${root}/`)).toBe(true);
  });

  it('rejects names that overwrite protocol documents, collide, or are unusable, writing nothing', async () => {
    const attempt = writeSteps(
      ['ok-01.md', 'fine'],
      ['../plan.md', 'x'],
      ['01-a.md', 'x'],
      ['sub/01-a.md', 'y'],
      ['../..', 'z'],
    );
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    const error = (await attempt.catch((e: unknown) => e)) as ValidationError;
    expect(error.issues.map((issue) => issue.path)).toEqual([
      ['step_files', 1, 'filename'],
      ['step_files', 3, 'filename'],
      ['step_files', 4, 'filename'],
    ]);
    expect(existsSync(root)).toBe(false);
  });

  it('refuses to write through a symlink that points outside the folder', async () => {
    const outside = join(dir.path, 'outside');
    mkdirSync(outside);
    mkdirSync(root, { recursive: true });
    symlinkSync(join(outside, 'target.md'), join(root, '01-link.md'));
    await expect(writeSteps(['01-link.md', 'pwned'])).rejects.toBeInstanceOf(ValidationError);
    expect(existsSync(join(outside, 'target.md'))).toBe(false);
  });

  it('reports written files that are not numbered steps', async () => {
    const result = await writeSteps(['notes.md', 'n']);
    expect(result.notSteps).toEqual(['notes.md']);
  });

  it('rejects a malformed planning answer with field paths', () => {
    expect(() => parsePlanningOutput({ plan_md: 1, step_files: 'x' })).toThrow(ValidationError);
    try {
      parsePlanningOutput({ plan_md: 1, context_md: '', log_md: '', step_files: [{ filename: 'a.md' }] });
    } catch (error) {
      expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([
        ['plan_md'],
        ['step_files', 0, 'content'],
      ]);
    }
  });
});
