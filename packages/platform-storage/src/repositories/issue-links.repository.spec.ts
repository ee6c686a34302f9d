import { NotFoundError, ValidationError } from '@tasksgodzilla/core';
import { BACKENDS, rejection, seed, START, useTestStorage } from '../test/test-storage.test-helpers.js';

describe.each(BACKENDS)('IssueLinkRepository on %s', (dialect) => {
  const { it } = useTestStorage(dialect);
  const issue = { provider: 'github' as const, repository: 'acme/demo', issue_number: 42 };

  it('links an issue to a run once; the same issue (or run) again returns the first link', async ({ storage }) => {
    const run = await seed.run(storage, 'issue-42-fix-login');
    const other = await seed.protocolRun(storage, run.project_id, 'issue-42-again');
    const first = await storage.issueLinks.link({
      ...issue,
      project_id: run.project_id,
      protocol_run_id: run.id,
      issue_url: 'https://github.com/acme/demo/issues/42',
    });
    expect(first).toEqual({
      created: true,
      link: {
        id: 1,
        project_id: run.project_id,
        protocol_run_id: run.id,
        ...issue,
        issue_url: 'https://github.com/acme/demo/issues/42',
        comment_id: null,
        created_at: START,
        updated_at: START,
      },
    });
    const again = await storage.issueLinks.link({ ...issue, project_id: run.project_id, protocol_run_id: other.id });
    expect(again).toEqual({ created: false, link: first.link });
    // The run is linked already: a second issue cannot take it.
    const sameRun = await storage.issueLinks.link({
      ...issue,
      issue_number: 43,
      project_id: run.project_id,
      protocol_run_id: run.id,
    });
    expect(sameRun).toEqual({ created: false, link: first.link });
    expect(await storage.issueLinks.findByRun(other.id)).toBeNull();
    expect(await storage.issueLinks.findByIssue({ ...issue, project_id: run.project_id })).toEqual(first.link);
    expect(
      await storage.issueLinks.findByIssue({ ...issue, provider: 'gitlab', project_id: run.project_id }),
    ).toBeNull();
  });

  it('keeps the comment id; a duplicate inside a transaction does not abort it', async ({ storage, clock }) => {
    const run = await seed.run(storage);
    const { link } = await storage.issueLinks.link({ ...issue, project_id: run.project_id, protocol_run_id: run.id });
    clock.advance(1000);
    expect(await storage.issueLinks.swapCommentId(link.id, null, 'job-1')).toBe(true);
    // A second writer that also saw no comment loses.
    expect(await storage.issueLinks.swapCommentId(link.id, null, 'job-2')).toBe(false);
    expect(await storage.issueLinks.swapCommentId(link.id, 'job-1', '9001')).toBe(true);
    expect(await storage.issueLinks.findByRun(run.id)).toMatchObject({
      comment_id: '9001',
      updated_at: '2026-11-27T17:00:01.000Z',
    });
    const result = await storage.transaction(async (tx) => {
      const dup = await tx.issueLinks.link({ ...issue, project_id: run.project_id, protocol_run_id: run.id });
      const project = await tx.projects.create({ name: 'after', git_url: '/tmp/after' });
      return { created: dup.created, project: project.name };
    });
    expect(result).toEqual({ created: false, project: 'after' });
    expect(await storage.issueLinks.swapCommentId(999, null, 'x')).toBe(false);
  });

  it('refuses bad input naming the field, and a run that does not exist', async ({ storage }) => {
    const run = await seed.run(storage);
    const bad = await rejection(
      storage.issueLinks.link({ ...issue, issue_number: 0, project_id: run.project_id, protocol_run_id: run.id }),
    );
    expect(bad).toBeInstanceOf(ValidationError);
    expect(bad.message).toContain('issue_number');
    const unknownRun = await rejection(
      storage.issueLinks.link({ ...issue, project_id: run.project_id, protocol_run_id: 4242 }),
    );
    expect(unknownRun).toBeInstanceOf(ValidationError);
    expect(await storage.issueLinks.findByRun(run.id)).toBeNull();
  });
});

describe.each(BACKENDS)('ProjectIssueSettingsRepository on %s', (dialect) => {
  const { it } = useTestStorage(dialect);

  it('has no row until set, then upserts every setting', async ({ storage, clock }) => {
    const project = await seed.project(storage);
    expect(await storage.projectIssueSettings.find(project.id)).toBeNull();
    const first = await storage.projectIssueSettings.put(project.id, {
      label: 'tasksgodzilla',
      auto_start: true,
      auto_advance: false,
    });
    expect(first).toEqual({
      project_id: project.id,
      label: 'tasksgodzilla',
      auto_start: true,
      auto_advance: false,
      template: null,
      updated_at: START,
    });
    clock.advance(5);
    const second = await storage.projectIssueSettings.put(project.id, {
      label: 'agent',
      auto_start: false,
      auto_advance: true,
      template: '/srv/templates/fix',
    });
    expect(second).toEqual({
      project_id: project.id,
      label: 'agent',
      auto_start: false,
      auto_advance: true,
      template: '/srv/templates/fix',
      updated_at: '2026-11-27T17:00:00.005Z',
    });
    expect(await storage.projectIssueSettings.find(project.id)).toEqual(second);
  });

  it('refuses an unknown project and an empty label', async ({ storage }) => {
    const project = await seed.project(storage);
    const missing = await rejection(
      storage.projectIssueSettings.put(4242, { label: 'x', auto_start: true, auto_advance: true }),
    );
    expect(missing).toBeInstanceOf(NotFoundError);
    const empty = await rejection(
      storage.projectIssueSettings.put(project.id, { label: ' ', auto_start: true, auto_advance: true }),
    );
    expect(empty).toBeInstanceOf(ValidationError);
    expect(empty.message).toContain('label');
    expect(await storage.projectIssueSettings.find(project.id)).toBeNull();
  });
});
