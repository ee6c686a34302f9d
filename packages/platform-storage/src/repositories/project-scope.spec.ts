import { BACKENDS, useTestStorage } from '../test/test-storage.test-helpers.js';

// A request scope (the api's project-token callers) lists only the rows of its projects.
describe.each(BACKENDS)('project-scoped lists on %s', (dialect) => {
  const { it } = useTestStorage(dialect);

  it('keeps only the projects, events and jobs of the given projects; an empty scope matches nothing', async ({
    storage,
  }) => {
    const a = await storage.projects.create({ name: 'a', git_url: '/tmp/a' });
    const b = await storage.projects.create({ name: 'b', git_url: '/tmp/b' });
    await storage.events.append({ project_id: a.id, event_type: 'x', message: 'of a' });
    await storage.events.append({ project_id: b.id, event_type: 'x', message: 'of b' });
    await storage.jobRuns.create({ run_id: 'job-a', job_type: 't', project_id: a.id });
    await storage.jobRuns.create({ run_id: 'job-b', job_type: 't', project_id: b.id });
    await storage.jobRuns.create({ run_id: 'job-none', job_type: 't' });

    expect((await storage.projects.list({}, { ids: [b.id] })).items.map((p) => p.name)).toEqual(['b']);
    expect((await storage.projects.list({}, { ids: [] })).items).toEqual([]);
    expect((await storage.projects.list()).items).toHaveLength(2);

    expect((await storage.events.list({ project_ids: [b.id] })).items.map((e) => e.message)).toEqual(['of b']);
    expect((await storage.events.listAfter(0, { project_ids: [b.id] })).map((e) => e.message)).toEqual(['of b']);
    expect((await storage.events.list({ project_ids: [] })).items).toEqual([]);
    expect(await storage.events.listAfter(0, { project_ids: [] })).toEqual([]);

    expect((await storage.jobRuns.list({ project_ids: [b.id] })).items.map((j) => j.run_id)).toEqual(['job-b']);
    expect((await storage.jobRuns.list({ project_ids: [] })).items).toEqual([]);
    expect((await storage.jobRuns.list()).items).toHaveLength(3);
  });
});
