import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@tasksgodzilla/testing';
import { validateSpec } from './spec.validation.js';

const step = (name: string, overrides: Record<string, unknown> = {}) => ({
  id: name.replace(/\.md$/, ''),
  name,
  engine_id: 'codex',
  model: null,
  prompt_ref: name,
  outputs: { protocol: `outputs/${name}` },
  step_type: 'work',
  policies: [],
  qa: { policy: 'full', prompt: null },
  ...overrides,
});

describe('validateSpec', () => {
  const dir = useTempDir('tgz-spec-');
  let workspace: string;
  let protocolRoot: string;
  let roots: { protocolRoot: string; workspaceRoot: string };
  beforeEach(() => {
    workspace = join(dir.path, 'worktree');
    protocolRoot = join(workspace, '.protocols', '0001-demo');
    mkdirSync(protocolRoot, { recursive: true });
    for (const name of ['00-setup.md', '01-build.md', '02-review.md']) writeFileSync(join(protocolRoot, name), name);
    mkdirSync(join(workspace, 'prompts'));
    writeFileSync(join(workspace, 'prompts', 'qa.md'), 'qa');
    roots = { protocolRoot, workspaceRoot: workspace };
  });

  it('accepts a valid spec (outputs folders need not exist; QA prompt found in the workspace)', () => {
    const spec = {
      steps: [step('00-setup.md'), step('01-build.md', { qa: { policy: 'light', prompt: 'prompts/qa.md' } })],
    };
    expect(validateSpec(spec, roots)).toEqual({ status: 'valid', errors: [] });
  });

  it('rejects a missing or empty spec', () => {
    expect(validateSpec(null, roots)).toEqual({ status: 'invalid', errors: ['protocol spec missing or malformed'] });
    expect(validateSpec({}, roots).errors).toEqual(['protocol spec missing or malformed']);
    expect(validateSpec([], roots).errors).toEqual(['protocol spec missing or malformed']);
  });

  it('reports schema errors with paths, and stops when steps is not a list', () => {
    const result = validateSpec({ steps: 'nope' }, roots);
    expect(result.status).toBe('invalid');
    expect(result.errors[0]).toMatch(/^schema:steps: /);
    expect(result.errors.at(-1)).toBe('protocol spec steps must be a list');
    expect(validateSpec({ steps: [] }, roots).errors[0]).toMatch(/^schema:steps: /);
    const unknownPolicy = validateSpec({ steps: [step('01-build.md', { qa: { policy: 'strict' } })] }, roots);
    expect(unknownPolicy.errors).toEqual([expect.stringMatching(/^schema:steps\/0\/qa\/policy: /)]);
    expect(validateSpec({ nosteps: true }, roots).errors).toEqual([
      expect.stringMatching(/^schema:steps: /),
      'protocol spec steps must be a list',
    ]);
  });

  it('reports duplicate names, ids and orders', () => {
    const spec = {
      steps: [
        step('01-build.md', { order: 1 }),
        step('01-build.md', { order: 1 }),
        step('02-review.md', { id: '01-build', order: 2 }),
      ],
    };
    expect(validateSpec(spec, roots).errors).toEqual([
      'duplicate step name: 01-build.md',
      'duplicate step id: 01-build',
      'duplicate step order: 1',
    ]);
  });

  it('reports prompt paths that escape, are missing, or are folders', () => {
    writeFileSync(join(dir.path, 'secret.md'), 'outside');
    mkdirSync(join(protocolRoot, '03-dir.md'));
    const spec = {
      steps: [
        step('01-build.md', { prompt_ref: '../../../secret.md' }),
        step('02-review.md', { prompt_ref: join(dir.path, 'secret.md') }),
        step('04-gone.md'),
        step('03-dir.md'),
        step('05-shared.md', { prompt_ref: '../../prompts/qa.md' }),
      ],
    };
    expect(validateSpec(spec, roots).errors).toEqual([
      '01-build.md: prompt_ref escapes the protocol root and workspace: ../../../secret.md',
      `02-review.md: prompt_ref escapes the protocol root and workspace: ${join(dir.path, 'secret.md')}`,
      `04-gone.md: prompt_ref missing: ${join(protocolRoot, '04-gone.md')}`,
      `03-dir.md: prompt_ref is not a file: ${join(protocolRoot, '03-dir.md')}`,
    ]);
  });

  it('reports a prompt reached through a symlink that leaves the workspace', () => {
    writeFileSync(join(dir.path, 'outside.md'), 'x');
    symlinkSync(join(dir.path, 'outside.md'), join(protocolRoot, '07-link.md'));
    expect(validateSpec({ steps: [step('07-link.md')] }, roots).errors).toEqual([
      '07-link.md: prompt_ref escapes the protocol root and workspace: 07-link.md',
    ]);
  });

  it('reports outputs that escape or overwrite the instruction file', () => {
    const spec = {
      steps: [
        step('01-build.md', {
          outputs: { protocol: '01-build.md', aux: { notes: '../../../notes.md', ok: 'outputs/ok.md' } },
        }),
        step('02-review.md', { outputs: { protocol: '/tmp/elsewhere.md' } }),
      ],
    };
    expect(validateSpec(spec, roots).errors).toEqual([
      `01-build.md: outputs.protocol would overwrite the step's instruction file: ${join(protocolRoot, '01-build.md')}`,
      '01-build.md: outputs.aux.notes escapes the protocol root and workspace: ../../../notes.md',
      '02-review.md: outputs.protocol escapes the protocol root and workspace: /tmp/elsewhere.md',
    ]);
  });

  it('reports QA prompts that escape or are missing', () => {
    const spec = {
      steps: [
        step('01-build.md', { qa: { policy: 'full', prompt: '../../../../x.md' } }),
        step('02-review.md', { qa: { policy: 'full', prompt: 'prompts/none.md' } }),
      ],
    };
    expect(validateSpec(spec, roots).errors).toEqual([
      '01-build.md: qa.prompt escapes the protocol root and workspace: ../../../../x.md',
      `02-review.md: qa.prompt missing: ${join(protocolRoot, 'prompts/none.md')}`,
    ]);
  });

  it('reports unknown engines when the registry is given', () => {
    const spec = {
      steps: [
        step('01-build.md', { engine_id: 'gpt-cli', qa: { policy: 'full', engine_id: 'other' } }),
        step('02-review.md', { engine_id: null }),
      ],
    };
    expect(validateSpec(spec, { ...roots, knownEngines: ['codex', 'shell'] }).errors).toEqual([
      '01-build.md: engine_id names an unknown engine: gpt-cli',
      '01-build.md: qa.engine_id names an unknown engine: other',
    ]);
  });

  it('reports depends_on and policy references to unknown steps or agents', () => {
    const spec = {
      steps: [
        step('00-setup.md'),
        step('01-build.md', {
          depends_on: ['00-setup.md', '01-build.md', '09-nope.md'],
          policies: [
            { module_id: 'retry', behavior: 'loop', target_agent_id: 'ghost', skip_steps: [0, 7] },
            { module_id: 'notify', behavior: 'trigger', trigger_agent_id: 'review' },
            { module_id: 'notify2', behavior: 'trigger', target_agent_id: 'nobody' },
          ],
        }),
        step('02-review.md', { depends_on: ['00-setup'] }),
      ],
    };
    expect(validateSpec(spec, roots).errors).toEqual([
      '01-build.md: depends_on references the step itself: 01-build.md',
      '01-build.md: depends_on references an unknown step: 09-nope.md',
      '01-build.md: policy retry targets an unknown agent: ghost',
      '01-build.md: policy retry skips a step index out of range: 7',
      '01-build.md: policy notify2 triggers an unknown agent: nobody',
    ]);
  });

  it('resolves CodeMachine outputs workspace-first and does not need an outputs folder', () => {
    const cmRoot = join(workspace, '.codemachine');
    mkdirSync(join(cmRoot, 'prompts'), { recursive: true });
    writeFileSync(join(cmRoot, 'prompts', 'build.md'), 'b');
    const spec = {
      steps: [
        {
          id: 'build',
          name: '00-build',
          engine_id: null,
          prompt_ref: 'prompts/build.md',
          outputs: { aux: { codemachine: 'outputs/build.md' } },
          qa: { policy: 'skip', prompt: null },
        },
      ],
    };
    expect(validateSpec(spec, { protocolRoot: cmRoot, workspaceRoot: workspace })).toEqual({
      status: 'valid',
      errors: [],
    });
  });
});
