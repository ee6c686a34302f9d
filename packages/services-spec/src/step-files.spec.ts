import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError } from '@tasksgodzilla/core';
import { useTempDir } from '@tasksgodzilla/testing';
import {
  agentIdFromStepName,
  extractChecks,
  inferStepType,
  isStepFilename,
  listStepFiles,
  stepStem,
} from './step-files.js';

describe('step files', () => {
  const dir = useTempDir('tgz-spec-');

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

  it.each<[string, (name: string) => unknown, string, unknown]>([
    // Step types as the original: setup, qa substring, work.
    ['inferStepType', inferStepType, '00-anything.md', 'setup'],
    ['inferStepType', inferStepType, '03-Setup-db.md', 'setup'],
    ['inferStepType', inferStepType, '04-qa-pass.md', 'qa'],
    ['inferStepType', inferStepType, '05-qatar-trip.md', 'qa'],
    ['inferStepType', inferStepType, '06-build.md', 'work'],
    ['stepStem', stepStem, '01-build.md', '01-build'],
    ['stepStem', stepStem, 'noext', 'noext'],
    ['agentIdFromStepName', agentIdFromStepName, '02-code-review.md', 'code-review'],
    ['agentIdFromStepName', agentIdFromStepName, '00-build', 'build'],
    ['agentIdFromStepName', agentIdFromStepName, 'solo', 'solo'],
    ['isStepFilename', isStepFilename, '01-a.md', true],
    ['isStepFilename', isStepFilename, '1-a.md', false],
  ])(
    'derives step types, stems, agent ids and step-file status from names: %s(%s)',
    (_label, derive, name, expected) => {
      expect(derive(name)).toBe(expected);
    },
  );

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
