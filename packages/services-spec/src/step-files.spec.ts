import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError } from '@tasksgodzilla/core';
import { createTempDir } from '@tasksgodzilla/testing';
import type { TempDir } from '@tasksgodzilla/testing';
import {
  agentIdFromStepName,
  extractChecks,
  inferStepType,
  isStepFilename,
  listStepFiles,
  stepStem,
} from './step-files.js';

describe('step files', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = createTempDir('tgz-spec-');
  });
  afterEach(() => dir.remove());

  it('lists numbered Markdown files sorted by name, excluding docs, folders and other files', async () => {
    for (const name of [
      'plan.md',
      'context.md',
      'log.md',
      'README.md',
      '10-last.md',
      '00-setup.md',
      '02-b.md',
      '01-a.md',
      '03-notes.txt',
    ]) {
      writeFileSync(join(dir.path, name), name);
    }
    mkdirSync(join(dir.path, '04-folder.md'));
    expect(await listStepFiles(dir.path)).toEqual(['00-setup.md', '01-a.md', '02-b.md', '10-last.md']);
    expect(await listStepFiles(dir.path, { includeSetup: false })).toEqual(['01-a.md', '02-b.md', '10-last.md']);
  });

  it('is a NotFoundError for a missing folder', async () => {
    await expect(listStepFiles(join(dir.path, 'missing'))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('infers step types as the original (setup, qa substring, work)', () => {
    expect(inferStepType('00-anything.md')).toBe('setup');
    expect(inferStepType('03-Setup-db.md')).toBe('setup');
    expect(inferStepType('04-qa-pass.md')).toBe('qa');
    expect(inferStepType('05-qatar-trip.md')).toBe('qa');
    expect(inferStepType('06-build.md')).toBe('work');
  });

  it('derives stems, agent ids and step-file status from names', () => {
    expect(stepStem('01-build.md')).toBe('01-build');
    expect(stepStem('noext')).toBe('noext');
    expect(agentIdFromStepName('02-code-review.md')).toBe('code-review');
    expect(agentIdFromStepName('00-build')).toBe('build');
    expect(agentIdFromStepName('solo')).toBe('solo');
    expect(isStepFilename('01-a.md')).toBe(true);
    expect(isStepFilename('1-a.md')).toBe(false);
  });

  it('extracts checks with the one grammar: ```sh check blocks and blocks under a Checks heading', () => {
    const markdown = [
      '# Step',
      '```bash',
      'echo build',
      '```',
      '```sh check',
      'npm test',
      '```',
      '## Checks',
      '```bash',
      'test -f out.txt',
      'grep -q ok out.txt',
      '```',
      '## Notes',
      '```sh',
      'echo not a check',
      '```',
    ].join('\n');
    expect(extractChecks(markdown)).toEqual(['npm test', 'test -f out.txt\ngrep -q ok out.txt']);
    expect(extractChecks('no checks')).toEqual([]);
  });

  it('extracts each line of a ```checks fence (the form the planning prompt teaches)', () => {
    const markdown = ['# 01 Build', '```sh', 'npm ci', '```', '```checks', 'npm test', 'npm run lint', '```'].join(
      '\n',
    );
    expect(extractChecks(markdown)).toEqual(['npm test', 'npm run lint']);
  });
});
