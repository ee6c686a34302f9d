import { z } from 'zod';
import {
  AppError,
  BudgetExceededError,
  ConflictError,
  EngineError,
  NotFoundError,
  ValidationError,
  isRetryable,
  toAppError,
} from './errors.js';

describe('errors', () => {
  it('carry code, category, retryable and cause', () => {
    const cause = new Error('disk');
    const err = new EngineError('codex crashed', { cause, code: 'engine_crash' });
    expect(err).toBeInstanceOf(AppError);
    expect(err.name).toBe('EngineError');
    expect(err.category).toBe('engine');
    expect(err.code).toBe('engine_crash');
    expect(err.retryable).toBe(true);
    expect(err.cause).toBe(cause);
  });

  it.each([
    [new ValidationError('bad'), false],
    [new BudgetExceededError('over', { retryable: true }), false],
    [new NotFoundError('gone'), false],
    [new ConflictError('race'), false],
    [new Error('unknown'), true],
  ])('know which errors may be retried: %s', (error, retryable) => {
    expect(isRetryable(error)).toBe(retryable);
  });

  it('keep field issues on validation errors', () => {
    const err = new ValidationError('bad body', [{ path: ['body', 'name'], message: 'Required' }]);
    expect(err.issues).toEqual([{ path: ['body', 'name'], message: 'Required' }]);
    expect(err.toJSON()).toMatchObject({ code: 'validation_error', category: 'validation' });
  });

  it('turn a zod failure into field issues under a prefix, summarized in the message', () => {
    const parsed = z.strictObject({ id: z.number(), tags: z.array(z.string()) }).safeParse({ id: 'x', tags: [1] });
    if (parsed.success) throw new Error('expected a failure');
    const err = ValidationError.fromZod(parsed.error, ['payload'], { title: 'Invalid job', code: 'invalid_job' });
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.code).toBe('invalid_job');
    expect(err.issues).toEqual([
      { path: ['payload', 'id'], message: expect.any(String) },
      { path: ['payload', 'tags', 0], message: expect.any(String) },
    ]);
    expect(err.message).toBe(
      `Invalid job: payload.id: ${err.issues[0]!.message}; payload.tags.0: ${err.issues[1]!.message}`,
    );
    expect(err.details).toEqual({ issues: err.issues });
  });

  it('take an exact message from a zod failure, with no prefix by default', () => {
    const parsed = z.object({ name: z.string() }).safeParse({});
    if (parsed.success) throw new Error('expected a failure');
    const err = ValidationError.fromZod(parsed.error, undefined, { message: 'Invalid planning output' });
    expect(err.message).toBe('Invalid planning output');
    expect(err.issues.map((issue) => issue.path)).toEqual([['name']]);
    expect(ValidationError.fromZod(parsed.error).message).toMatch(/^Invalid input: name: /);
  });

  it('wraps unknown throwables', () => {
    const wrapped = toAppError('boom');
    expect(wrapped.category).toBe('internal');
    expect(wrapped.message).toBe('boom');
    const same = new NotFoundError('x');
    expect(toAppError(same)).toBe(same);
  });
});
