import type { Project, ProtocolRun } from '@tasksgodzilla/core';
import { projectOut, protocolRunOut } from './presenters.js';

const run = {
  id: 7,
  project_id: 3,
  protocol_name: '0001-demo',
  status: 'running',
  base_branch: 'main',
  worktree_path: null,
  protocol_root: null,
  description: null,
  template_config: { protocol_spec: { steps: [] } },
  template_source: null,
  created_at: '2026-12-07T10:00:00.000Z',
  updated_at: '2026-12-07T10:00:01.000Z',
} as unknown as ProtocolRun;

describe('presenters', () => {
  it('answer a run as the run plus its spec fields, keys in the same order as a spread copy, the run untouched', () => {
    const view = { run, spec_hash: 'abc', validation: { status: 'valid' as const, errors: null, validated_at: 'x' } };
    const out = protocolRunOut(view);
    expect(JSON.stringify(out)).toBe(
      JSON.stringify({ ...run, spec_hash: 'abc', spec_validation_status: 'valid', spec_validated_at: 'x' }),
    );
    expect(out).not.toBe(run);
    expect(run).not.toHaveProperty('spec_hash');
  });

  it('answer a project with its secrets and git_url credentials hidden, in its own key order', () => {
    const project = {
      id: 3,
      name: 'demo',
      git_url: 'https://user:token@example.invalid/r.git',
      base_branch: 'main',
      local_path: null,
      ci_provider: null,
      secrets: { api_token: 'p-token' },
      default_models: null,
      created_at: '2026-12-07T10:00:00.000Z',
      updated_at: '2026-12-07T10:00:00.000Z',
    } as unknown as Project;
    const out = projectOut(project);
    expect(Object.keys(out)).toEqual(Object.keys(project));
    expect(JSON.stringify(out)).not.toContain('p-token');
    expect(out.git_url).not.toContain('token@');
    expect(project.secrets).toEqual({ api_token: 'p-token' });
  });
});
