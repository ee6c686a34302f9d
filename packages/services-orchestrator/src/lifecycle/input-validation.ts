import { ValidationError, type FieldIssue } from '@tasksgodzilla/core';
import { assertBranchName } from '@tasksgodzilla/platform-git';

// A protocol name becomes a git branch and the folder `.protocols/<name>`: one path segment that
// git accepts as a branch name. Letters, digits, dot, dash and underscore, starting alphanumeric.
const PROTOCOL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function assertProtocolName(value: unknown, field = 'protocol_name'): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError(`${field} is required`, [{ path: [field], message: 'must be a non-empty string' }]);
  }
  const name = value.trim();
  if (!PROTOCOL_NAME.test(name)) {
    throw new ValidationError(
      `Invalid ${field} ${JSON.stringify(name)}: use letters, digits, ".", "-" and "_" (at most 100, starting with a letter or digit)`,
      [{ path: [field], message: 'must be one path segment of letters, digits, ".", "-" and "_"' }],
    );
  }
  try {
    assertBranchName(name, field);
  } catch (error) {
    throw new ValidationError(
      `Invalid ${field} ${JSON.stringify(name)}: not usable as a git branch name`,
      (error as ValidationError).issues,
      { cause: error },
    );
  }
  return name;
}

export function assertBaseBranch(value: unknown, field = 'base_branch'): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new ValidationError(`${field} is required`, [{ path: [field], message: 'must be a non-empty string' }]);
  return assertBranchName(value.trim(), field);
}

export function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new ValidationError(`${field} is required`, [{ path: [field], message: 'must be a non-empty string' }]);
  return value.trim();
}

export function optionalText(value: unknown, field: string, issues: FieldIssue[]): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') {
    issues.push({ path: [field], message: 'must be a string' });
    return undefined;
  }
  return value;
}

export function assertPositiveId(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ValidationError(`${field} must be a positive integer`, [
      { path: [field], message: 'must be a positive integer' },
    ]);
  }
  return value;
}
