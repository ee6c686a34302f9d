/** Broad classes of failure; the api maps them to HTTP status codes, the cli to exit codes. */
export const ERROR_CATEGORIES = [
  'validation',
  'not_found',
  'conflict',
  'unauthorized',
  'budget',
  'config',
  'engine',
  'git',
  'queue',
  'timeout',
  'cancelled',
  'storage',
  'internal',
] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export interface AppErrorOptions {
  /** Machine-readable code, e.g. `protocol_status_conflict`. Defaults to the category. */
  code?: string;
  /** Whether a job that failed with this error may be retried with backoff. */
  retryable?: boolean;
  cause?: unknown;
  /** Structured details safe to show to a client (field paths, ids, expected status…). */
  details?: Record<string, unknown>;
}

/** Base of every error TasksGodzilla throws on purpose. */
export class AppError extends Error {
  readonly code: string;
  readonly category: ErrorCategory;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(category: ErrorCategory, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.category = category;
    this.code = options.code ?? category;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      category: this.category,
      message: this.message,
      retryable: this.retryable,
      details: this.details,
    };
  }
}

/** One problem of a validation error, with the path of the offending field. */
export interface FieldIssue {
  path: (string | number)[];
  message: string;
}

/** What `ValidationError.fromZod` reads of a failed parse: a `ZodError` (zod 4) fits. */
export interface ZodErrorLike {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}

export interface FromZodOptions extends AppErrorOptions {
  /** The message is `<title>: <path>: <issue>; …`. Default `Invalid input`. */
  title?: string;
  /** The exact message instead (no issue summary). */
  message?: string;
}

export class ValidationError extends AppError {
  readonly issues: FieldIssue[];
  constructor(message: string, issues: FieldIssue[] = [], options: AppErrorOptions = {}) {
    super('validation', message, { code: 'validation_error', ...options, details: { issues, ...options.details } });
    this.issues = issues;
  }

  /**
   * The one conversion of a zod parse failure: one FieldIssue per zod issue, its path under `prefix`
   * (e.g. `['payload']`), and a message summarizing every issue unless `options.message` is given.
   */
  static fromZod(
    error: ZodErrorLike,
    prefix: readonly (string | number)[] = [],
    options: FromZodOptions = {},
  ): ValidationError {
    const { title = 'Invalid input', message, ...rest } = options;
    const issues: FieldIssue[] = error.issues.map((issue) => ({
      path: [...prefix, ...issue.path.map((key) => (typeof key === 'number' ? key : String(key)))],
      message: issue.message,
    }));
    const summary = issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    return new ValidationError(message ?? `${title}: ${summary}`, issues, rest);
  }
}

/** What `appErrorKind` makes: an AppError subclass constructed from a message and options. */
export type AppErrorKind = new (message: string, options?: AppErrorOptions) => AppError;

/**
 * The one constructor of the category subclasses below: `defaults` apply unless the caller's options say
 * otherwise, `forced` whatever the caller says.
 */
function appErrorKind(category: ErrorCategory, defaults: AppErrorOptions, forced: AppErrorOptions = {}): AppErrorKind {
  return class extends AppError {
    constructor(message: string, options: AppErrorOptions = {}) {
      super(category, message, { ...defaults, ...options, ...forced });
    }
  };
}

export class NotFoundError extends appErrorKind('not_found', { code: 'not_found' }) {}

/** A lost compare-and-swap race, an illegal transition, or a duplicate. HTTP 409. */
export class ConflictError extends appErrorKind('conflict', { code: 'conflict' }) {}

export class UnauthorizedError extends appErrorKind('unauthorized', { code: 'unauthorized' }) {}

export class BudgetExceededError extends appErrorKind('budget', { code: 'budget_exceeded' }, { retryable: false }) {}

export class ConfigError extends appErrorKind('config', { code: 'config_error' }, { retryable: false }) {}

export class EngineError extends appErrorKind('engine', { code: 'engine_error', retryable: true }) {}

export class GitError extends appErrorKind('git', { code: 'git_error', retryable: true }) {}

export class QueueError extends appErrorKind('queue', { code: 'queue_error', retryable: true }) {}

export class TimeoutError extends appErrorKind('timeout', { code: 'timeout', retryable: true }) {}

export class CancelledError extends appErrorKind('cancelled', { code: 'cancelled', retryable: false }) {}

export class StorageError extends appErrorKind('storage', { code: 'storage_error', retryable: true }) {}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Unknown (non-AppError) failures are treated as retryable, as the original did. */
export function isRetryable(error: unknown): boolean {
  return isAppError(error) ? error.retryable : true;
}

/** Wraps anything thrown into an AppError, keeping AppErrors as they are. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AppError('internal', message, { code: 'internal_error', retryable: true, cause: error });
}

/** A readable one-line description of any thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
