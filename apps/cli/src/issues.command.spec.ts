import { fakeApi, json, protocolRun, run } from './cli.test-helpers.js';

describe('issues in (cli)', () => {
  it('protocols create --from-issue sends the issue (a number as a number) and starts a pending run with --start', async () => {
    const { fetch, requests } = fakeApi({
      'POST /projects/1/protocols/from-issue': () =>
        json({
          message: 'Protocol created from the issue',
          created: true,
          protocol_run: protocolRun('pending'),
          job: null,
        }),
      'POST /protocols/2/actions/start': () => json({ message: 'Protocol planning enqueued', job: { job_id: 'j1' } }),
    });
    const result = await run(['protocols', 'create', '--project', '1', '--from-issue', '42', '--start'], { fetch });
    expect(result.code).toBe(0);
    expect(requests[0]!.body).toEqual({ issue: 42 });
    expect(requests[1]!.url.pathname).toBe('/protocols/2/actions/start');
    expect(result.stdout).toContain('Created protocol 2');
    expect(result.stdout).toContain('Planning enqueued (job j1).');
    const url = await run(
      ['protocols', 'create', '--project', '1', '--from-issue', 'https://github.com/acme/demo/issues/42'],
      { fetch },
    );
    expect(url.code).toBe(0);
    expect(requests[2]!.body).toEqual({ issue: 'https://github.com/acme/demo/issues/42' });
  });

  it('protocols create needs --name or --from-issue, not both (exit 2, no request)', async () => {
    const { fetch, requests } = fakeApi({});
    const neither = await run(['protocols', 'create', '--project', '1'], { fetch });
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('--name');
    const both = await run(['protocols', 'create', '--project', '1', '--name', 'x', '--from-issue', '3'], { fetch });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--from-issue');
    expect(requests).toHaveLength(0);
  });

  it('projects issue-settings shows them without flags and PUTs only the flags given', async () => {
    const settings = {
      project_id: 1,
      label: 'agent',
      auto_start: true,
      auto_advance: false,
      template: null,
      updated_at: '2026-11-27T17:00:00.000Z',
    };
    const { fetch, requests } = fakeApi({
      'GET /projects/1/issue-settings': () => json(settings),
      'PUT /projects/1/issue-settings': () => json(settings),
    });
    const shown = await run(['projects', 'issue-settings', '1'], { fetch });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('agent');
    const changed = await run(
      ['projects', 'issue-settings', '1', '--label', 'agent', '--auto-start', '--no-template'],
      {
        fetch,
      },
    );
    expect(changed.code).toBe(0);
    expect(requests[1]!.method).toBe('PUT');
    expect(requests[1]!.body).toEqual({ label: 'agent', auto_start: true, template: null });
  });
});
