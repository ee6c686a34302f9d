import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@tasksgodzilla/testing';
import { ensureStarterAssets, listStarterAssets, starterAssetsDir } from './starter-assets.js';

const EXPECTED = [
  '.github/workflows/ci.yml',
  '.github/workflows/tasksgodzilla-qa.yml',
  '.gitlab-ci.yml',
  '.gitlab/tasksgodzilla-qa.gitlab-ci.yml',
  'docs/ci.md',
  'docs/tasksgodzilla.md',
  'prompts/project-init.prompt.md',
  'prompts/project-setup.prompt.md',
  'prompts/protocol-new.prompt.md',
  'prompts/protocol-resume.prompt.md',
  'prompts/protocol-review-merge.prompt.md',
  'prompts/quality-validator.prompt.md',
  'prompts/repo-discovery.prompt.md',
  'scripts/ci/bootstrap.sh',
  'scripts/ci/build.sh',
  'scripts/ci/lint.sh',
  'scripts/ci/report.sh',
  'scripts/ci/test.sh',
  'scripts/ci/typecheck.sh',
];

describe('starter assets', () => {
  const dir = useTempDir('tgz-assets-');

  it('ships the docs, prompts, CI scripts and CI files as package files', async () => {
    expect(existsSync(starterAssetsDir())).toBe(true);
    expect(await listStarterAssets()).toEqual(EXPECTED);
    for (const script of EXPECTED.filter((path) => path.endsWith('.sh'))) {
      const text = readFileSync(join(starterAssetsDir(), script), 'utf8');
      expect(text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
      expect(text).toContain('set -euo pipefail');
    }
    expect(readFileSync(join(starterAssetsDir(), 'prompts', 'quality-validator.prompt.md'), 'utf8')).toContain(
      'Verdict: PASS',
    );
  });

  it('copies what is missing, never overwrites, and makes shell scripts executable', async () => {
    const target = join(dir.path, 'repo');
    mkdirSync(join(target, 'scripts', 'ci'), { recursive: true });
    writeFileSync(join(target, 'scripts', 'ci', 'test.sh'), 'echo mine\n', { mode: 0o644 });

    const first = await ensureStarterAssets(target);
    expect(first.skipped).toEqual(['scripts/ci/test.sh']);
    expect(first.copied).toEqual(EXPECTED.filter((path) => path !== 'scripts/ci/test.sh'));
    expect(first.rejected).toEqual([]);
    expect(readFileSync(join(target, 'scripts', 'ci', 'test.sh'), 'utf8')).toBe('echo mine\n');
    expect(statSync(join(target, 'scripts', 'ci', 'test.sh')).mode & 0o777).toBe(0o644);
    expect(statSync(join(target, 'scripts', 'ci', 'lint.sh')).mode & 0o755).toBe(0o755);
    expect(readFileSync(join(target, 'docs', 'ci.md'), 'utf8')).toBe(
      readFileSync(join(starterAssetsDir(), 'docs', 'ci.md'), 'utf8'),
    );

    const second = await ensureStarterAssets(target);
    expect(second).toEqual({ copied: [], skipped: EXPECTED, rejected: [] });
  });

  it('makes scripts executable even when the package manager dropped the bit', async () => {
    const source = join(dir.path, 'assets');
    mkdirSync(join(source, 'scripts'), { recursive: true });
    writeFileSync(join(source, 'scripts', 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o644 });
    writeFileSync(join(source, 'notes.md'), '# notes\n', { mode: 0o644 });
    const target = join(dir.path, 'repo');
    mkdirSync(target);
    const result = await ensureStarterAssets(target, { assetsDir: source });
    expect(result.copied).toEqual(['notes.md', 'scripts/run.sh']);
    expect(statSync(join(target, 'scripts', 'run.sh')).mode & 0o777).toBe(0o755);
    expect(statSync(join(target, 'notes.md')).mode & 0o777).toBe(0o644);
  });

  it('refuses to write through a symlinked folder that leads out of the repository', async () => {
    const target = join(dir.path, 'repo');
    const outside = join(dir.path, 'outside');
    mkdirSync(target);
    mkdirSync(outside);
    symlinkSync(outside, join(target, 'docs'));
    const result = await ensureStarterAssets(target);
    expect(result.rejected.map((entry) => entry.path)).toEqual(['docs/ci.md', 'docs/tasksgodzilla.md']);
    expect(existsSync(join(outside, 'ci.md'))).toBe(false);
    expect(result.copied).toContain('scripts/ci/test.sh');
  });

  it('a missing assets folder is an error (the service turns it into setup_warning)', async () => {
    await expect(ensureStarterAssets(dir.path, { assetsDir: join(dir.path, 'nope') })).rejects.toThrow(/ENOENT/);
  });
});
