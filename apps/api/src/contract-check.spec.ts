import { jest } from '@jest/globals';
import { apiContract, checkExchange, ContractViolationError } from '@tasksgodzilla/api-contract';

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
});
