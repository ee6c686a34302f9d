import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir } from '@tasksgodzilla/testing';
import type { TempDir } from '@tasksgodzilla/testing';
import { buildSpecFromPlanningOutput, buildSpecFromProtocolFiles } from './spec.builders.js';
import { ProtocolSpecSchema } from './spec.schemas.js';

describe('buildSpecFromProtocolFiles', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = createTempDir('tgz-spec-');
  });
  afterEach(() => dir.remove());

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
    expect(ProtocolSpecSchema.safeParse(spec).success).toBe(true);
    expect(spec).toEqual({
      steps: [
        {
          id: '00-setup',
          name: '00-setup.md',
          engine_id: 'shell',
          model: null,
          prompt_ref: '00-setup.md',
          outputs: { protocol: 'outputs/00-setup.md' },
          step_type: 'setup',
          policies: [],
          qa: { policy: 'full', prompt: null },
          order: 0,
        },
        {
          id: '01-build-api',
          name: '01-build-api.md',
          engine_id: 'shell',
          model: null,
          prompt_ref: '01-build-api.md',
          outputs: { protocol: 'outputs/01-build-api.md' },
          step_type: 'work',
          policies: [],
          qa: { policy: 'full', prompt: null },
          order: 1,
          checks: ['npm test'],
        },
        {
          id: '02-qa-review',
          name: '02-qa-review.md',
          engine_id: 'shell',
          model: null,
          prompt_ref: '02-qa-review.md',
          outputs: { protocol: 'outputs/02-qa-review.md' },
          step_type: 'qa',
          policies: [],
          qa: { policy: 'full', prompt: null },
          order: 2,
        },
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
      {
        plan_md: 'P',
        context_md: 'C',
        log_md: '',
        step_files: [
          { filename: '../00-setup.md', content: 'S' },
          { filename: '01-work.md', content: 'W' },
        ],
      },
      { defaultEngine: 'codex' },
    );
    expect(files.stepFiles.map((file) => file.filename)).toEqual(['00-setup.md', '01-work.md']);
    expect(spec.steps.map((step) => step.name)).toEqual(['00-setup.md', '01-work.md']);
    expect(readFileSync(join(root, '00-setup.md'), 'utf8')).toBe('S');
  });

  it('a planning answer whose step declares a ```checks fence gets those checks in its spec', async () => {
    const root = join(dir.path, '.protocols', '0003-checks');
    const content = ['# 01 Work', '', '```checks', 'npm test', 'npm run lint', '```', ''].join('\n');
    const { spec } = await buildSpecFromPlanningOutput(
      root,
      { plan_md: 'P', context_md: '', log_md: '', step_files: [{ filename: '01-work.md', content }] },
      { defaultEngine: 'codex' },
    );
    expect(spec.steps[0]?.checks).toEqual(['npm test', 'npm run lint']);
  });
});
