import { z } from 'zod';
import { apiContract } from './api-contract.js';
import {
  ContractViolationError,
  checkExchange,
  checkResponse,
  defineContract,
  defineRoute,
  findRoute,
  matchRoute,
} from './contract.js';

const run = {
  id: 1,
  project_id: 2,
  protocol_name: 'demo',
  status: 'planned',
  base_branch: 'main',
  branch_name: null,
  worktree_path: null,
  protocol_root: null,
  description: null,
  template_config: null,
  template_source: null,
  auto_advance: false,
  created_at: '2026-12-06T09:00:00.000Z',
  updated_at: '2026-12-06T09:00:00.000Z',
  spec_hash: null,
  spec_validation_status: null,
  spec_validated_at: null,
};

function violation(fn: () => unknown): ContractViolationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractViolationError) return error;
    throw error;
  }
  throw new Error('expected a contract violation');
}

describe('checkResponse', () => {
  it('accepts an answer that matches and names every wrong field otherwise', () => {
    expect(checkResponse(apiContract.getProtocol, 200, run)).toEqual(run);
    const error = violation(() =>
      checkResponse(apiContract.getProtocol, 200, { ...run, spec_hash: 42, status: 'sleeping', extra: true }),
    );
    expect(error.route).toBe('GET /protocols/:id');
    expect(error.problems.join('\n')).toMatch(/^status: /m);
    expect(error.problems.join('\n')).toMatch(/^spec_hash: /m);
    expect(error.problems.join('\n')).toMatch(/extra/);
    expect(error.code).toBe('contract_violation');
  });

  it('names nested fields with their index', () => {
    const error = violation(() =>
      checkResponse(apiContract.listProtocolEvents, 200, [
        {
          id: 1,
          project_id: 1,
          protocol_run_id: null,
          step_run_id: null,
          event_type: 'x',
          message: 'm',
          metadata: null,
          created_at: 'now',
          protocol_name: null,
        },
      ]),
    );
    expect(error.problems).toEqual([expect.stringMatching(/^\[0\]\.project_name: /)]);
  });

  it('checks error statuses against ErrorBody (declared or not) and rejects undeclared success statuses', () => {
    expect(() => checkResponse(apiContract.getProtocol, 401, { detail: 'Unauthorized', code: 'x' })).not.toThrow();
    expect(() =>
      checkResponse(apiContract.createProject, 422, {
        detail: [{ loc: ['body', 'name'], msg: 'Field required', type: 'missing' }],
        code: 'validation_error',
      }),
    ).not.toThrow();
    expect(violation(() => checkResponse(apiContract.getProtocol, 404, { message: 'gone' })).problems[0]).toMatch(
      /^detail: /,
    );
    expect(violation(() => checkResponse(apiContract.getProtocol, 201, run)).problems).toEqual([
      'status 201 is not declared',
    ]);
  });
});

describe('matchRoute and findRoute', () => {
  it('find the route the server would pick for a concrete request', () => {
    expect(matchRoute(apiContract, 'GET', '/protocols/7?limit=5')).toBe(apiContract.getProtocol);
    expect(matchRoute(apiContract, 'GET', '/protocols/7/steps')).toBe(apiContract.listSteps);
    expect(matchRoute(apiContract, 'POST', '/codex/runs/start')).toBe(apiContract.startCodexRun);
    expect(matchRoute(apiContract, 'GET', '/codex/runs/start')).toBe(apiContract.getCodexRun);
    expect(matchRoute(apiContract, 'POST', '/projects/1/branches/feature/x/delete')).toBe(apiContract.deleteBranch);
    expect(matchRoute(apiContract, 'HEAD', '/health')).toBe(apiContract.health);
    expect(matchRoute(apiContract, 'DELETE', '/protocols/7')).toBeUndefined();
    expect(findRoute(apiContract, 'get', '/steps/:step_id')).toBe(apiContract.getStep);
  });

  it('refuses a contract that defines a route twice', () => {
    const route = defineRoute({ method: 'GET', path: '/x', tags: [], summary: 'x', responses: { 200: z.null() } });
    expect(() => defineContract({ a: route, b: { ...route } })).toThrow('GET /x is defined twice');
  });
});

describe('checkExchange', () => {
  const json = 'application/json; charset=utf-8';

  it('checks JSON answers only, by the route of the URL', () => {
    expect(() =>
      checkExchange(apiContract, { method: 'GET', url: '/protocols/1', status: 200, contentType: json, text: '{}' }),
    ).toThrow(ContractViolationError);
    expect(() =>
      checkExchange(apiContract, {
        method: 'GET',
        url: '/steps/1/log',
        status: 200,
        contentType: 'text/plain',
        text: 'log',
      }),
    ).not.toThrow();
  });

  it('lets an unknown route answer only an error body', () => {
    const notFound = JSON.stringify({ detail: 'Not Found', code: 'not_found' });
    expect(() =>
      checkExchange(apiContract, { method: 'GET', url: '/nope', status: 404, contentType: json, text: notFound }),
    ).not.toThrow();
    expect(() =>
      checkExchange(apiContract, { method: 'GET', url: '/nope', status: 200, contentType: json, text: '{}' }),
    ).toThrow('no route of the contract');
  });
});
