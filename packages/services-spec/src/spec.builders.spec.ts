import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@tasksgodzilla/testing';
import { buildSpecFromPlanningOutput, buildSpecFromProtocolFiles } from './spec.builders.js';
import { protocolSpecSchema } from './spec.schemas.js';
import { fileStepSpec, planningOutput } from './spec.test-helpers.js';

describe('buildSpecFromProtocolFiles', () => {
  const dir = useTempDir('tgz-spec-');

  it('builds one step per numbered file, in order, with relative refs and separate outputs', async () => {
    for (const [name, content] of [
      ['plan.md', '# Plan'],
      ['context.md', ''],
      ['log.md', ''],
      ['00-setup.md', 'Install.'],
      ['01-build-api.md', 'Build.\n```sh check\nnpm test\n```\n'],
      ['02-qa-review.md', 'Review.'],
    ]) {
      writeFileSync(join(dir.path, name as string), content as string);
    }
    const spec = await buildSpecFromProtocolFiles(dir.path, { defaultEngine: 'shell', defaultQaPolicy: 'full' });
    expect(protocolSpecSchema().safeParse(spec).success).toBe(true);
    expect(spec).toEqual({
      steps: [
        fileStepSpec('00-setup.md', 0, { step_type: 'setup' }),
        fileStepSpec('01-build-api.md', 1, { checks: ['npm test'] }),
        fileStepSpec('02-qa-review.md', 2, { step_type: 'qa' }),
      ],
    });
  });

  it('applies QA policy, QA prompt and model options', async () => {
    writeFileSync(join(dir.path, '01-a.md'), 'A');
    const spec = await buildSpecFromProtocolFiles(dir.path, {
      defaultEngine: 'codex',
      defaultQaPolicy: 'skip',
      defaultQaPrompt: 'prompts/qa.md',
      defaultModel: 'm1',
    });
    expect(spec.steps[0]).toMatchObject({ model: 'm1', qa: { policy: 'skip', prompt: 'prompts/qa.md' } });
  });

  it('returns no steps for an empty folder (validation then rejects it)', async () => {
    expect(await buildSpecFromProtocolFiles(dir.path, { defaultEngine: 'codex' })).toEqual({ steps: [] });
  });

  it('builds from a planning answer after writing sanitized files', async () => {
    const root = join(dir.path, '.protocols', '0002-feature');
    const { spec, files } = await buildSpecFromPlanningOutput(
      root,
      planningOutput([
        { filename: '../00-setup.md', content: 'S' },
        { filename: '01-work.md', content: 'W' },
      ]),
      { defaultEngine: 'codex' },
    );
    expect(files.stepFiles.map((file) => file.filename)).toEqual(['00-setup.md', '01-work.md']);
    expect(spec.steps.map((step) => step.name)).toEqual(['00-setup.md', '01-work.md']);
    expect(readFileSync(join(root, '00-setup.md'), 'utf8')).toBe('S');
  });

  it('a planning answer whose step declares a ```checks fence gets those checks in its spec', async () => {
    const root = join(dir.path, '.protocols', '0003-checks');
    const content = ['# 01 Work', '', '```checks', 'npm test', 'npm run lint', '```', ''].join('\n');
    const { spec } = await buildSpecFromPlanningOutput(root, planningOutput([{ filename: '01-work.md', content }]), {
      defaultEngine: 'codex',
    });
    expect(spec.steps[0]?.checks).toEqual(['npm test', 'npm run lint']);
  });
});
