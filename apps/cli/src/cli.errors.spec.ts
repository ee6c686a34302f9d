import { ApiError } from '@tasksgodzilla/client';
import { ConfigError, ConflictError, NotFoundError, ValidationError } from '@tasksgodzilla/core';
import { CommanderError } from 'commander';
import {
  CommandFailedError,
  EXIT_OK,
  EXIT_RUNTIME,
  EXIT_USAGE,
  UsageError,
  exitCodeFor,
  formatError,
} from './cli.errors.js';

describe('exitCodeFor', () => {
  it.each([
    [400, EXIT_USAGE],
    [422, EXIT_USAGE],
    [401, EXIT_RUNTIME],
    [403, EXIT_RUNTIME],
    [404, EXIT_RUNTIME],
    [409, EXIT_RUNTIME],
    [500, EXIT_RUNTIME],
    [503, EXIT_RUNTIME],
  ])('ApiError %i → %i', (status, code) => {
    expect(exitCodeFor(new ApiError({ status, detail: 'x' }))).toBe(code);
  });

  it('maps a network failure (status 0) to 1', () => {
    expect(exitCodeFor(new ApiError({ status: 0, message: 'cannot reach http://x: ECONNREFUSED' }))).toBe(EXIT_RUNTIME);
  });

  it('maps core categories: validation and config → 2, others → 1', () => {
    expect(exitCodeFor(new UsageError('bad'))).toBe(EXIT_USAGE);
    expect(exitCodeFor(new ValidationError('bad'))).toBe(EXIT_USAGE);
    expect(exitCodeFor(new ConfigError('bad env'))).toBe(EXIT_USAGE);
    expect(exitCodeFor(new NotFoundError('gone'))).toBe(EXIT_RUNTIME);
    expect(exitCodeFor(new ConflictError('race'))).toBe(EXIT_RUNTIME);
    expect(exitCodeFor(new CommandFailedError('ended blocked'))).toBe(EXIT_RUNTIME);
    expect(exitCodeFor(new Error('boom'))).toBe(EXIT_RUNTIME);
    expect(exitCodeFor('string')).toBe(EXIT_RUNTIME);
  });

  it('maps commander errors: help/version → 0, usage → 2', () => {
    expect(exitCodeFor(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toBe(EXIT_OK);
    expect(exitCodeFor(new CommanderError(1, 'commander.missingArgument', 'missing'))).toBe(EXIT_USAGE);
    expect(exitCodeFor(new CommanderError(1, 'commander.help', '(outputHelp)'))).toBe(EXIT_USAGE);
  });
});

describe('formatError', () => {
  it('prints the ApiError message after `error:`', () => {
    expect(formatError(new ApiError({ status: 404, detail: 'Project not found' }), false)).toBe(
      'error: 404 Not Found: Project not found',
    );
  });

  it('adds request, request id and structured detail with verbose', () => {
    const error = new ApiError({
      status: 422,
      detail: [{ loc: ['body', 'name'], msg: 'Required' }],
      requestId: 'r-1',
      method: 'POST',
      url: 'http://x/projects',
    });
    const text = formatError(error, true);
    expect(text.split('\n')).toEqual([
      'error: 422 Validation failed: body.name: Required',
      'request: POST http://x/projects',
      'request id: r-1',
      'detail: [{"loc":["body","name"],"msg":"Required"}]',
    ]);
  });

  it('hints at tokens on 401', () => {
    expect(formatError(new ApiError({ status: 401, detail: 'Unauthorized' }), false)).toContain('hint: pass --token');
  });

  it('shows the stack of unexpected errors only with verbose', () => {
    expect(formatError(new Error('boom'), false)).toBe('error: boom');
    expect(formatError(new Error('boom'), true)).toContain('at ');
  });
});
