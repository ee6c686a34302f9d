import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, createManualClock } from '@tasksgodzilla/core';
import { useTempDir } from '@tasksgodzilla/testing';
import { createSpecService } from './spec.service.js';
import { CODEMACHINE_PATCH_KEYS, planningOutput } from './spec.test-helpers.js';

const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));

describe('createSpecService', () => {
  const dir = useTempDir('tgz-svc-');
  const clock = createManualClock('2026-11-27T17:00:00.000Z');

  it('prepares a planning answer: files, spec, validation, meta, step runs and the template_config patch', async () => {
    const service = createSpecService({ clock, defaultEngine: 'shell' });
    const workspaceRoot = join(dir.path, 'wt');
    const protocolRoot = join(workspaceRoot, '.protocols', '0001-demo');
    const prepared = await service.prepareFromPlanning(
      planningOutput([
        { filename: '00-setup.md', content: 's' },
        { filename: '01-build.md', content: 'b' },
      ]),
      { protocolRoot, workspaceRoot },
    );
    expect(prepared.validation).toEqual({ status: 'valid', errors: [] });
    expect(prepared.spec_meta).toEqual({ status: 'valid', errors: [], validated_at: '2026-11-27T17:00:00.000Z' });
    expect(prepared.step_runs.map((run) => [run.step_index, run.step_name, run.step_type, run.engine_id])).toEqual([
      [0, '00-setup.md', 'setup', 'shell'],
      [1, '01-build.md', 'work', 'shell'],
    ]);
    expect(prepared.spec_hash).toBe(service.hash(prepared.spec));
    expect(prepared.template_config_patch).toEqual({ protocol_spec: prepared.spec, spec_meta: prepared.spec_meta });
    expect(prepared.files.stepFiles).toHaveLength(2);
    expect(service.getStepSpec(prepared.spec, '01-build.md')?.id).toBe('01-build');
    expect(service.getStepSpec(prepared.spec, '01-build')?.name).toBe('01-build.md');
    expect(service.getStepSpec(prepared.spec, 'nope')).toBeNull();
  });

  it('returns an invalid preparation with no step runs when the plan has no steps', async () => {
    const service = createSpecService({ clock });
    const protocolRoot = join(dir.path, 'p');
    const prepared = await service.prepareFromPlanning(planningOutput([], { plan_md: '', context_md: '' }), {
      protocolRoot,
      workspaceRoot: dir.path,
    });
    expect(prepared.validation.status).toBe('invalid');
    expect(prepared.spec_meta.status).toBe('invalid');
    expect(prepared.step_runs).toEqual([]);
  });

  it('rejects unknown engines when the registry is known, and skips existing step names', async () => {
    const protocolRoot = join(dir.path, 'p');
    mkdirSync(protocolRoot);
    writeFileSync(join(protocolRoot, '01-a.md'), 'a');
    writeFileSync(join(protocolRoot, '02-b.md'), 'b');
    const strict = createSpecService({ clock, defaultEngine: 'codex', knownEngines: ['shell'] });
    const rejected = await strict.prepareFromProtocolFiles({ protocolRoot, workspaceRoot: dir.path });
    expect(rejected.validation.errors).toEqual([
      '01-a.md: engine_id names an unknown engine: codex',
      '02-b.md: engine_id names an unknown engine: codex',
    ]);
    const service = createSpecService({ clock, defaultEngine: 'shell', knownEngines: ['shell'] });
    const prepared = await service.prepareFromProtocolFiles({
      protocolRoot,
      workspaceRoot: dir.path,
      existingStepNames: ['01-a.md'],
    });
    expect(prepared.step_runs.map((run) => run.step_name)).toEqual(['02-b.md']);
  });

  it('imports a CodeMachine workspace with its payload and template source', async () => {
    const workspace = join(dir.path, 'cm');
    cpSync(join(fixtures, 'codemachine-basic'), workspace, { recursive: true });
    const service = createSpecService({ clock });
    const prepared = await service.prepareCodeMachineImport(workspace);
    expect(prepared.validation).toEqual({ status: 'valid', errors: [] });
    expect(prepared.codemachine_root).toBe(join(workspace, '.codemachine'));
    expect(prepared.template_source).toMatchObject({ template: 'demo-template' });
    expect(Object.keys(prepared.template_config_patch).sort()).toEqual([...CODEMACHINE_PATCH_KEYS, 'template']);
    expect(prepared.step_runs.map((run) => [run.step_name, run.policy])).toEqual([
      ['00-plan', []],
      [
        '01-build',
        [
          expect.objectContaining({ module_id: 'retry-build' }),
          expect.objectContaining({ module_id: 'notify-review' }),
        ],
      ],
      ['02-review', [expect.objectContaining({ module_id: 'string-behavior' })]],
    ]);
    const resolution = await service.resolveStep(prepared.spec.steps[1]!, {
      protocolRoot: prepared.codemachine_root,
      workspaceRoot: workspace,
      spec: prepared.spec,
    });
    expect(resolution.prompt_text).toBe('Build the feature.\n');
    expect(resolution.engine_id).toBe('codex');
    expect(resolution.outputs.aux).toEqual({ codemachine: join(workspace, 'outputs', 'build.md') });
  });

  it('reports a CodeMachine import whose prompt is missing as invalid, and a broken config as ConfigError', async () => {
    const workspace = join(dir.path, 'cm');
    cpSync(join(fixtures, 'codemachine-flat'), workspace, { recursive: true });
    writeFileSync(
      join(workspace, 'config', 'main.agents.js'),
      "module.exports = [{ id: 'x', promptPath: 'prompts/missing.md' }];",
    );
    const service = createSpecService({ clock });
    const prepared = await service.prepareCodeMachineImport(workspace);
    expect(prepared.validation.errors).toEqual([
      `00-x: prompt_ref missing: ${join(workspace, 'prompts', 'missing.md')}`,
    ]);
    expect(prepared.step_runs).toEqual([]);
    await expect(service.prepareCodeMachineImport(join(fixtures, 'codemachine-broken'))).rejects.toBeInstanceOf(
      ConfigError,
    );
  });

  it('audits with the service clock and default engine', async () => {
    const protocolRoot = join(dir.path, 'wt', '.protocols', 'x');
    mkdirSync(protocolRoot, { recursive: true });
    writeFileSync(join(protocolRoot, '01-a.md'), 'a');
    const service = createSpecService({ clock, defaultEngine: 'shell' });
    const result = await service.audit(
      { protocol_name: 'x', template_config: null, protocol_root: null, worktree_path: join(dir.path, 'wt') },
      { backfillMissing: true },
    );
    expect(result.spec_meta.validated_at).toBe('2026-11-27T17:00:00.000Z');
    expect((result.template_config_patch.protocol_spec as { steps: { engine_id: string }[] }).steps[0]?.engine_id).toBe(
      'shell',
    );
    expect(service.meta({ status: 'missing', errors: ['x'] })).toEqual({
      status: 'missing',
      errors: ['x'],
      validated_at: '2026-11-27T17:00:00.000Z',
    });
  });
});
