import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createManualClock } from '@tasksgodzilla/core';
import { useTempDir } from '@tasksgodzilla/testing';
import { auditSpec, isCodeMachineRun } from './spec.audit.js';
import { buildSpecFromProtocolFiles } from './spec.builders.js';
import { specHash } from './spec.hash.js';
import { CODEMACHINE_PATCH_KEYS } from './spec.test-helpers.js';

const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const clock = createManualClock('2026-11-27T17:00:00.000Z');

describe('auditSpec', () => {
  const dir = useTempDir('tgz-audit-');
  let worktree: string;
  let protocolRoot: string;
  beforeEach(() => {
    worktree = join(dir.path, 'wt');
    protocolRoot = join(worktree, '.protocols', '0001-demo');
    mkdirSync(protocolRoot, { recursive: true });
    writeFileSync(join(protocolRoot, '00-setup.md'), 'setup');
    writeFileSync(join(protocolRoot, '01-build.md'), 'build');
  });

  const run = (templateConfig: Record<string, unknown> | null, overrides: Record<string, unknown> = {}) => ({
    id: 7,
    project_id: 3,
    protocol_name: '0001-demo',
    template_config: templateConfig as never,
    protocol_root: null,
    worktree_path: worktree,
    ...overrides,
  });

  it('reports a missing spec without backfill', async () => {
    const result = await auditSpec(run(null), { clock, project: { id: 3, name: 'demo' } });
    expect(result).toMatchObject({
      protocol_run_id: 7,
      protocol_name: '0001-demo',
      project_id: 3,
      project_name: 'demo',
      status: 'missing',
      errors: ['protocol spec missing'],
      backfilled: false,
      protocol_root: protocolRoot,
      workspace: worktree,
      spec_hash: specHash(null),
    });
    expect(result.template_config_patch).toEqual({
      spec_meta: { status: 'missing', errors: ['protocol spec missing'], validated_at: '2026-11-27T17:00:00.000Z' },
    });
  });

  it('backfills a missing spec from the protocol files and validates it', async () => {
    const result = await auditSpec(run({ other: 1 }), { clock, backfillMissing: true, defaultEngine: 'shell' });
    const expected = await buildSpecFromProtocolFiles(protocolRoot, {
      defaultEngine: 'shell',
      defaultQaPolicy: 'full',
    });
    expect(result.status).toBe('valid');
    expect(result.backfilled).toBe(true);
    expect(result.template_config_patch.protocol_spec).toEqual(expected);
    expect(result.spec_hash).toBe(specHash(expected));
    expect(result.template_config_patch).not.toHaveProperty('other');
  });

  it('reports protocol_root missing when there is nothing to backfill from', async () => {
    const result = await auditSpec(run(null, { protocol_root: join(dir.path, 'gone') }), {
      clock,
      backfillMissing: true,
    });
    expect(result.errors).toEqual([`protocol_root missing: ${join(dir.path, 'gone')}`, 'protocol spec missing']);
    expect(result.status).toBe('missing');
  });

  it('validates an existing spec, reporting errors and step files the spec does not list', async () => {
    const spec = await buildSpecFromProtocolFiles(protocolRoot, { defaultEngine: 'codex' });
    writeFileSync(join(protocolRoot, '02-new.md'), 'added after planning');
    const valid = await auditSpec(run({ protocol_spec: spec }), { clock });
    expect(valid.status).toBe('valid');
    expect(valid.backfilled).toBe(false);
    expect(valid.unlisted_step_files).toEqual(['02-new.md']);
    expect(valid.template_config_patch).not.toHaveProperty('protocol_spec');

    const broken = { steps: [{ ...spec.steps[0], prompt_ref: '../../../../etc/passwd' }] };
    const invalid = await auditSpec(run({ protocol_spec: broken }), { clock });
    expect(invalid.status).toBe('invalid');
    expect(invalid.errors).toEqual([
      '00-setup.md: prompt_ref escapes the protocol root and workspace: ../../../../etc/passwd',
    ]);
    expect(invalid.spec_meta.status).toBe('invalid');
  });

  it('uses the project path when the run has no worktree, and reports an unknown workspace', async () => {
    const fromProject = await auditSpec(run(null, { worktree_path: null }), {
      clock,
      backfillMissing: true,
      project: { local_path: worktree },
    });
    expect(fromProject.status).toBe('valid');
    const unknown = await auditSpec(run({ protocol_spec: { steps: [] } }, { worktree_path: null }), { clock });
    expect(unknown.status).toBe('invalid');
    expect(unknown.errors[0]).toMatch(/^workspace unknown/);
  });

  it('backfills a CodeMachine run from its workspace and fills only absent payload keys', async () => {
    const workspace = join(dir.path, 'cm');
    cpSync(join(fixtures, 'codemachine-basic'), workspace, { recursive: true });
    const result = await auditSpec(
      {
        protocol_name: 'cm-import',
        template_config: { template: { kept: true } },
        protocol_root: join(workspace, '.codemachine'),
        worktree_path: workspace,
      },
      { clock, backfillMissing: true },
    );
    expect(result.is_codemachine).toBe(true);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('valid');
    expect(Object.keys(result.template_config_patch).sort()).toEqual(CODEMACHINE_PATCH_KEYS);
    expect((result.template_config_patch.protocol_spec as { steps: unknown[] }).steps).toHaveLength(3);
  });

  it('reports a CodeMachine config error as a backfill failure', async () => {
    const workspace = join(dir.path, 'broken');
    cpSync(join(fixtures, 'codemachine-broken'), workspace, { recursive: true });
    const result = await auditSpec(
      {
        protocol_name: 'x',
        template_config: null,
        protocol_root: join(workspace, '.codemachine'),
        worktree_path: workspace,
      },
      { clock, backfillMissing: true },
    );
    expect(result.status).toBe('missing');
    expect(result.errors[0]).toMatch(/^backfill failed: .*Unable to parse config content/);
  });

  it('detects CodeMachine runs by main agents or a .codemachine path segment', () => {
    expect(isCodeMachineRun({ template_config: { main_agents: [{ id: 'a' }] }, protocol_root: null })).toBe(true);
    expect(isCodeMachineRun({ template_config: null, protocol_root: '/w/.codemachine' })).toBe(true);
    expect(isCodeMachineRun({ template_config: { main_agents: [] }, protocol_root: '/w/.protocols/x' })).toBe(false);
  });
});
