import { jest } from '@jest/globals';
import { apiContract, checkExchange, ContractViolationError } from '@tasksgodzilla/api-contract';
import { createClient } from '@tasksgodzilla/client';

// The api's test harness checks every answer against the shared contract. These tests prove the check
// bites: a presenter that answers a wrong field fails the request that got it, naming the field.

const presenters = await import('./presenters.js');
jest.unstable_mockModule('./presenters.js', () => ({
  ...presenters,
  // A deliberately wrong presenter: `name` renamed, as a drifting field would be.
  projectOut: (project: Parameters<typeof presenters.projectOut>[0]) => {
    const { name, ...rest } = presenters.projectOut(project);
    return { ...rest, project_name: name };
  },
}));
const { openApi } = await import('./api.test-helpers.js');
const { createContractWatch } = await import('./contract-watch.test-helpers.js');

/** A fetch standing in for a server that answers `body` with `contentType`. */
const answering =
  (status: number, body: string, contentType = 'application/json; charset=utf-8') =>
  async () =>
    new Response(body, { status, headers: { 'content-type': contentType } });

describe('answers are checked against the api contract', () => {
  it('a hand-made wrong body is rejected with the field named', () => {
    const body = JSON.stringify({ message: 'ok', job: { job_id: 'j1' } });
    let error: unknown;
    try {
      checkExchange(apiContract, {
        method: 'POST',
        url: '/steps/1/actions/run',
        status: 200,
        contentType: 'application/json',
        text: body,
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ContractViolationError);
    expect((error as ContractViolationError).message).toContain('POST /steps/:step_id/actions/run answered 200');
    expect((error as ContractViolationError).problems).toContainEqual(expect.stringMatching(/^job\.job_type: /));
  });

  it('a wrong presenter field fails the request in the api test harness', async () => {
    const h = await openApi();
    try {
      await expect(
        h.call('POST', '/projects', { body: { name: 'demo', git_url: h.repo.originPath, local_path: h.repo.path } }),
      ).rejects.toThrow(/POST \/projects answered 200 off contract: .*name: .*project_name/s);
      // Answers the harness did not read itself (a listening server, a raw inject) are collected too.
      await h.app.inject({ method: 'GET', url: '/projects' });
      expect(h.violations.map((error) => error.route)).toEqual(['POST /projects', 'GET /projects']);
    } finally {
      await expect(h.close()).rejects.toThrow('Answers off the api contract:\nGET /projects answered 200');
    }
  });

  it('the e2e fetch check rejects a wrong field over HTTP and leaves it for the suite to fail on', async () => {
    const watch = createContractWatch(answering(200, JSON.stringify({ message: 'ok', job: { job_id: 'j1' } })));
    const error = await watch.fetch('http://127.0.0.1:9/steps/1/actions/run', { method: 'POST' }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ContractViolationError);
    expect((error as ContractViolationError).problems).toContainEqual(expect.stringMatching(/^job\.job_type: /));
    expect(watch.violations).toEqual([error]);
    expect(() => watch.assertAllReported()).toThrow(
      'Answers off the api contract:\nPOST /steps/:step_id/actions/run answered 200',
    );
    // Through the client, the call that got it fails, naming the field.
    const client = createClient({ baseUrl: 'http://127.0.0.1:9', fetch: watch.fetch });
    await expect(client.runStep(1)).rejects.toThrow(/job\.job_type: /);
    expect(watch.violations).toHaveLength(2);
  });

  it('the e2e fetch check passes answers on the contract, error bodies included, and never reads event streams', async () => {
    const project = { detail: 'Project not found', code: 'not_found', category: 'not_found' };
    const right = createContractWatch(answering(404, JSON.stringify(project)));
    const response = await right.fetch('http://127.0.0.1:9/projects/7');
    expect(await response.json()).toEqual(project);
    const stream = createContractWatch(answering(200, 'retry: 2000\n\n', 'text/event-stream'));
    expect((await stream.fetch('http://127.0.0.1:9/events/stream')).status).toBe(200);
    const wrongError = createContractWatch(answering(404, JSON.stringify({ ...project, category: 'missing' })));
    await expect(wrongError.fetch('http://127.0.0.1:9/projects/7')).rejects.toThrow(/category: /);
    expect([right.violations, stream.violations, wrongError.violations.length]).toEqual([[], [], 1]);
  });
});
