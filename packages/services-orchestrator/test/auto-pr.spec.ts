import type { OpenPullRequestInput, PullRequestResult } from '@tasksgodzilla/platform-git';
import { createHarness, type Harness, type HarnessOptions } from './harness.js';

describe('auto_pr', () => {
  let h: Harness;
  let opened: OpenPullRequestInput[];
  const open = async (options: HarnessOptions = {}) => {
    h = await createHarness(options);
    opened = [];
    // The forge itself is platform-git's (its own suite); here: what the orchestrator asks of it.
    Object.assign(h.git, {
      openPullRequest: async (input: OpenPullRequestInput): Promise<PullRequestResult> => {
        opened.push(input);
        return {
          provider: 'github',
          via: 'rest',
          created: opened.length === 1,
          url: 'https://forge.example/pr/1',
          number: 1,
        };
      },
    });
  };
  afterEach(async () => {
    await h.close();
  });

  it('draft: a draft PR is opened right after planning, in the planning transaction, and the run goes on', async () => {
    await open();
    const { run } = await h.planned({ auto_advance: true, template_config: { auto_pr: 'draft' } });
    const events = await h.events(run.id);
    const planned = events.findIndex((e) => e.event_type === 'planned');
    const enqueued = events.findIndex((e) => e.event_type === 'open_pr_enqueued');
    expect(enqueued).toBeGreaterThan(planned);
    expect(events[enqueued]?.metadata).toMatchObject({ source: 'auto_pr', mode: 'draft' });
    expect(opened).toEqual([expect.objectContaining({ branch: '0001-demo', base: 'main', draft: true })]);
    expect(events.find((e) => e.event_type === 'open_pr')?.metadata).toMatchObject({
      url: 'https://forge.example/pr/1',
      draft: true,
      created: true,
    });
    expect((await h.snapshot(run.id)).run.status).toBe('completed');
  });

  it('ready (server default via Config.autoPr) opens a PR ready for review; off opens none', async () => {
    await open({ config: { autoPr: 'ready' } });
    const { run } = await h.planned();
    expect(opened).toEqual([expect.objectContaining({ draft: false })]);
    expect((await h.events(run.id)).filter((e) => e.event_type === 'open_pr_enqueued')).toHaveLength(1);
    await h.close();
    await open();
    const plain = await h.planned();
    expect(opened).toEqual([]);
    expect((await h.events(plain.run.id)).some((e) => e.event_type === 'open_pr_enqueued')).toBe(false);
  });
});
