import { ValidationError } from '@tasksgodzilla/core';

// The rules of `git check-ref-format` for a branch, checked before any git call so that a name can
// never be read as an option or a revision expression.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0020\u007f~^:?*[\\]/;

/** Throws a ValidationError unless `name` is a valid, option-safe git branch name. */
export function assertBranchName(name: string, field = 'branch'): string {
  const problem = branchNameProblem(name);
  if (problem) {
    throw new ValidationError(`Invalid branch name ${JSON.stringify(name)}: ${problem}`, [
      { path: [field], message: problem },
    ]);
  }
  return name;
}

function branchNameProblem(name: string): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'empty';
  if (name.length > 255) return 'longer than 255 characters';
  if (name.startsWith('-')) return 'starts with "-"';
  if (name === '@' || name === 'HEAD') return 'reserved name';
  if (FORBIDDEN.test(name)) return 'contains a space, a control character or one of ~ ^ : ? * [ \\';
  if (name.includes('..')) return 'contains ".."';
  if (name.includes('@{')) return 'contains "@{"';
  if (name.includes('//') || name.startsWith('/') || name.endsWith('/')) return 'empty path component';
  if (name.endsWith('.')) return 'ends with "."';
  if (name.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock')))
    return 'a component starts with "." or ends with ".lock"';
  return null;
}
