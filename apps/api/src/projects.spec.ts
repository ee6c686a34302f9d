import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { git } from '@tasksgodzilla/testing';
import { useApi } from './api.test-helpers.js';

const CODEMACHINE_WORKSPACE = fileURLToPath(new URL('../test/fixtures/codemachine-workspace/', import.meta.url));

describe('projects over the api', () => {
  const h = useApi();

  it('creates a project, enqueues onboarding and never shows secret values', async () => {
    const created = await h.call('POST', '/projects', {
      body: {
        name: 'demo',
        git_url: h.repo.originPath,
        local_path: h.repo.path,
        ci_provider: 'github',
        default_models: { exec: 'gpt-5' },
        secrets: { api_token: 'p-secret', other: 'x' },
        unknown_field: 1,
      },
      headers: { 'x-request-id': 'req-create-1' },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      name: 'demo',
      base_branch: 'main',
      ci_provider: 'github',
      default_models: { exec: 'gpt-5' },
      secrets: { api_token: '***', other: '***' },
    });
    expect(created.text).not.toContain('p-secret');
    const id = created.body.id as number;
    const token = { 'x-project-token': 'p-secret' };

    // The project token guards every project route: 401 without it, 404 for a missing project first.
    expect((await h.call('GET', `/projects/${id}`)).body).toEqual({
      detail: 'Project access denied',
      code: 'project_access_denied',
      category: 'unauthorized',
    });
    expect((await h.call('GET', `/projects/${id}`, { headers: { 'x-project-token': 'wrong' } })).status).toBe(401);
    expect((await h.call('GET', '/projects/999999')).body.detail).toBe('Project not found');
    const got = await h.call('GET', `/projects/${id}`, { headers: token });
    expect(got.status).toBe(200);
    expect(got.body.secrets).toEqual({ api_token: '***', other: '***' });

    const list = await h.call('GET', '/projects');
    expect(list.status).toBe(200);
    expect(list.text).not.toContain('p-secret');

    // Onboarding: the setup run, its job and events; the request id reaches the first event.
    const before = await h.call('GET', `/projects/${id}/onboarding`, { headers: token });
    expect(before.body).toMatchObject({ project_id: id, status: 'pending' });
    expect(before.body.events[0]).toMatchObject({ event_type: 'setup_enqueued' });
    expect(before.body.events[0].metadata.request_id).toBe('req-create-1');
    await h.drain();
    const after = await h.call('GET', `/projects/${id}/onboarding`, { headers: token });
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('completed');
    expect(after.body.protocol_run_id).toEqual(expect.any(Number));
    expect(after.body.stages.map((s: { key: string }) => s.key)).toEqual([
      'resolve',
      'discovery',
      'assets',
      'git',
      'clarifications',
    ]);
    expect(after.body.stages.find((s: { key: string }) => s.key === 'clarifications').status).toBe('completed');
    expect(after.body.last_event).toMatchObject({ id: after.body.events[0].id });
    expect(after.body.events.map((e: { event_type: string }) => e.event_type)).toContain('setup_completed');

    const kind = await h.call<{ event_type: string }[]>('GET', '/events', {
      query: { project_id: id, kind: 'onboarding' },
      headers: token,
    });
    expect(kind.status).toBe(200);
    expect(kind.body.length).toBeGreaterThan(0);
    expect(kind.body.every((e) => e.event_type.startsWith('setup_'))).toBe(true);
    expect((await h.call('GET', '/events', { query: { project_id: id } })).status).toBe(401);

    // Onboarding again: a completed setup run is terminal.
    const restart = await h.call('POST', `/projects/${id}/onboarding/actions/start`, { headers: token });
    expect(restart.status).toBe(409);
  });

  it('restarts a blocked onboarding and returns its job', async () => {
    const created = await h.call('POST', '/projects', {
      body: { name: 'missing', git_url: join(h.dir.path, 'nowhere.git') },
    });
    const id = created.body.id as number;
    await h.drain();
    const blocked = await h.call('GET', `/projects/${id}/onboarding`);
    expect(blocked.body.status).toBe('blocked');
    expect(blocked.body.stages[0]).toMatchObject({ key: 'resolve', status: 'failed' });
    const restart = await h.call('POST', `/projects/${id}/onboarding/actions/start`);
    expect(restart.status).toBe(200);
    expect(restart.body).toMatchObject({
      message: 'Project setup enqueued',
      job: { job_type: 'project_setup_job', payload: { project_id: id } },
    });
    expect((await h.call('POST', '/projects/999999/onboarding/actions/start')).status).toBe(404);
    expect((await h.call('GET', '/projects/999999/onboarding')).status).toBe(404);
  });

  it('lists and deletes remote branches of the project origin', async () => {
    git(h.repo.path, ['push', 'origin', 'main:feature/old-thing']);
    const projectId = await h.project({ name: 'branches' });
    const list = await h.call('GET', `/projects/${projectId}/branches`);
    expect(list.status).toBe(200);
    expect(list.body.branches).toEqual(expect.arrayContaining(['main', 'feature/old-thing']));

    const noBody = await h.call('POST', `/projects/999999/branches/feature/old-thing/delete`);
    expect(noBody.status).toBe(422);
    const notConfirmed = await h.call('POST', `/projects/${projectId}/branches/feature/old-thing/delete`, {
      body: { confirm: false },
    });
    expect(notConfirmed.status).toBe(400);
    expect(notConfirmed.body.detail).toBe('confirm=true required to delete a remote branch');
    const missing = await h.call('POST', `/projects/${projectId}/branches/feature/nope/delete`, {
      body: { confirm: true },
    });
    expect(missing.status).toBe(404);
    const notDelete = await h.call('POST', `/projects/${projectId}/branches/feature/old-thing`, {
      body: { confirm: true },
    });
    expect(notDelete.status).toBe(404);
    const deleted = await h.call('POST', `/projects/${projectId}/branches/feature/old-thing/delete`, {
      body: { confirm: true },
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ deleted: true, branch: 'feature/old-thing' });
    expect(git(h.repo.originPath, ['branch', '--list', 'feature/old-thing'])).toBe('');

    // Branch events are project-level rows (no run), listed by /events.
    const events = await h.call<{ event_type: string; protocol_run_id: number | null }[]>('GET', '/events', {
      query: { project_id: projectId },
    });
    const branchEvents = events.body.filter((e) => e.event_type.startsWith('branch'));
    expect(branchEvents.map((e) => e.event_type)).toEqual(['branch_deleted', 'branches_listed']);
    expect(branchEvents.every((e) => e.protocol_run_id === null)).toBe(true);

    // A repository that is not present: 409, nothing cloned by a GET.
    const absent = await h.call('POST', '/projects', {
      body: { name: 'absent', git_url: join(h.dir.path, 'absent.git') },
    });
    const absentBranches = await h.call('GET', `/projects/${absent.body.id}/branches`);
    expect(absentBranches.status).toBe(409);
    expect(absentBranches.body.detail).toMatch(/^Repository not present locally at /);
  });

  it('imports a CodeMachine workspace now, or in a job', async () => {
    const projectId = await h.project({ name: 'codemachine' });
    const now = await h.call('POST', `/projects/${projectId}/codemachine/import`, {
      body: { protocol_name: 'cm-now', workspace_path: CODEMACHINE_WORKSPACE },
    });
    expect(now.status).toBe(200);
    expect(now.body.message).toBe('Imported CodeMachine workspace.');
    expect(now.body.job).toBeNull();
    expect(now.body.protocol_run).toMatchObject({
      protocol_name: 'cm-now',
      status: 'planned',
      spec_validation_status: 'valid',
    });
    const steps = await h.call('GET', `/protocols/${now.body.protocol_run.id}/steps`);
    expect(steps.body).toHaveLength(2);

    const queued = await h.call('POST', `/projects/${projectId}/codemachine/import`, {
      body: { protocol_name: 'cm-job', workspace_path: CODEMACHINE_WORKSPACE, enqueue: true },
    });
    expect(queued.status).toBe(200);
    expect(queued.body).toMatchObject({
      message: 'Enqueued CodeMachine import job.',
      job: { job_type: 'codemachine_import_job' },
      protocol_run: { status: 'planning' },
    });

    const missing = await h.call('POST', `/projects/${projectId}/codemachine/import`, {
      body: { protocol_name: 'cm-bad', workspace_path: join(h.dir.path, 'no-such-folder') },
    });
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0].loc).toEqual(['body', 'workspace_path']);
  });
});
