import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError, ValidationError } from '@tasksgodzilla/core';
import { useTempDir } from '@tasksgodzilla/testing';
import { fingerprintText } from '@tasksgodzilla/platform-git';
import { specHash } from './spec.hash.js';
import type { StepSpec } from './spec.schemas.js';
import { resolveStep, resolveStepOutputs, resolveStepPrompt } from './step-resolution.js';

describe('step resolution', () => {
  const dir = useTempDir('tgz-spec-');
  let roots: { protocolRoot: string; workspaceRoot: string };
  beforeEach(() => {
    const workspaceRoot = join(dir.path, 'wt');
    const protocolRoot = join(workspaceRoot, '.protocols', '0001-demo');
    mkdirSync(protocolRoot, { recursive: true });
    writeFileSync(join(protocolRoot, '01-build.md'), 'Build it.\n');
    mkdirSync(join(workspaceRoot, 'prompts'));
    writeFileSync(join(workspaceRoot, 'prompts', 'shared.md'), 'Shared.');
    roots = { protocolRoot, workspaceRoot };
  });

  const base: StepSpec = {
    id: '01-build',
    name: '01-build.md',
    engine_id: null,
    prompt_ref: '01-build.md',
    qa: { policy: 'full' },
  };

  it('resolves prompt_ref against the protocol root, then the workspace', () => {
    expect(resolveStepPrompt(base, roots)).toEqual({
      ref: '01-build.md',
      path: join(roots.protocolRoot, '01-build.md'),
    });
    expect(resolveStepPrompt({ ...base, prompt_ref: 'prompts/shared.md' }, roots).path).toBe(
      join(roots.workspaceRoot, 'prompts', 'shared.md'),
    );
  });

  it('falls back to prompt / file keys and rejects a step without any, or an escaping one', () => {
    const { prompt_ref: _omit, ...withoutRef } = base;
    expect(resolveStepPrompt({ ...withoutRef, file: '01-build.md' } as unknown as StepSpec, roots).ref).toBe(
      '01-build.md',
    );
    expect(() => resolveStepPrompt(withoutRef as unknown as StepSpec, roots)).toThrow(
      'StepSpec is missing prompt_ref/prompt/file',
    );
    expect(() => resolveStepPrompt({ ...base, prompt_ref: '../../../x.md' }, roots)).toThrow(ValidationError);
  });

  it('defaults the protocol output to outputs/<stem>.md, never the step file', () => {
    expect(resolveStepOutputs(base, roots)).toEqual({
      protocol: join(roots.protocolRoot, 'outputs', '01-build.md'),
      aux: {},
      raw: null,
    });
  });

  it('resolves declared outputs and rejects escapes and overwriting the step file', () => {
    mkdirSync(join(roots.workspaceRoot, 'docs'));
    const resolved = resolveStepOutputs(
      { ...base, outputs: { protocol: 'result.md', aux: { doc: 'docs/out.md' } } },
      roots,
    );
    expect(resolved.protocol).toBe(join(roots.protocolRoot, 'result.md'));
    expect(resolved.aux).toEqual({ doc: join(roots.workspaceRoot, 'docs', 'out.md') });
    expect(() => resolveStepOutputs({ ...base, outputs: { protocol: '01-build.md' } }, roots)).toThrow(
      /would overwrite the step's instruction file/,
    );
    expect(() => resolveStepOutputs({ ...base, outputs: { aux: { x: '../../../../y.md' } } }, roots)).toThrow(
      /outputs\.aux\.x escapes/,
    );
  });

  it('resolves everything for execution: engine/model fallbacks, prompt text and version, spec hash, checks', async () => {
    const spec = { steps: [{ ...base, checks: ['npm test'], agent_id: 'build' }] };
    const resolution = await resolveStep(spec.steps[0] as StepSpec, {
      ...roots,
      spec,
      defaultEngine: 'shell',
      defaultModel: 'm-default',
    });
    expect(resolution).toEqual({
      step_name: '01-build.md',
      engine_id: 'shell',
      model: 'm-default',
      prompt_path: join(roots.protocolRoot, '01-build.md'),
      prompt_ref: '01-build.md',
      prompt_text: 'Build it.\n',
      prompt_version: fingerprintText('Build it.\n'),
      outputs: { protocol: join(roots.protocolRoot, 'outputs', '01-build.md'), aux: {}, raw: null },
      qa: { policy: 'full' },
      policies: [],
      checks: ['npm test'],
      spec_hash: specHash(spec),
      agent_id: 'build',
      workdir: roots.workspaceRoot,
      protocol_root: roots.protocolRoot,
    });
    const explicit = await resolveStep(
      { ...base, engine_id: 'codex', model: 'gpt-5' },
      { ...roots, defaultEngine: 'shell' },
    );
    expect([explicit.engine_id, explicit.model, explicit.spec_hash]).toEqual(['codex', 'gpt-5', specHash(null)]);
  });

  it('is a NotFoundError when the prompt file does not exist', async () => {
    await expect(
      resolveStep({ ...base, prompt_ref: '09-gone.md' }, { ...roots, defaultEngine: 'shell' }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
