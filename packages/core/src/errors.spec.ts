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

  it('know which errors may be retried', () => {
    expect(isRetryable(new ValidationError('bad'))).toBe(false);
    expect(isRetryable(new BudgetExceededError('over', { retryable: true }))).toBe(false);
    expect(isRetryable(new NotFoundError('gone'))).toBe(false);
    expect(isRetryable(new ConflictError('race'))).toBe(false);
    expect(isRetryable(new Error('unknown'))).toBe(true);
  });

  it('keep field issues on validation errors', () => {
    const err = new ValidationError('bad body', [{ path: ['body', 'name'], message: 'Required' }]);
    expect(err.issues).toEqual([{ path: ['body', 'name'], message: 'Required' }]);
    expect(err.toJSON()).toMatchObject({ code: 'validation_error', category: 'validation' });
  });

  it('wraps unknown throwables', () => {
    const wrapped = toAppError('boom');
    expect(wrapped.category).toBe('internal');
    expect(wrapped.message).toBe('boom');
    const same = new NotFoundError('x');
    expect(toAppError(same)).toBe(same);
  });
});
