import { ValidationError } from '@tasksgodzilla/core';
import { assertBranchName } from '@tasksgodzilla/platform-git';
import { z } from 'zod';

// A protocol name becomes a git branch and the folder `.protocols/<name>`: one path segment that
// git accepts as a branch name. Letters, digits, dot, dash and underscore, starting alphanumeric.
const PROTOCOL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

const NON_EMPTY = 'must be a non-empty string';

/** A string with something besides blanks, trimmed. */
const nonEmptyText = z
  .string({ error: NON_EMPTY })
  .refine((value) => value.trim() !== '', { error: NON_EMPTY })
  .transform((value) => value.trim());

const protocolName = z.string().regex(PROTOCOL_NAME, {
  error: 'must be one path segment of letters, digits, ".", "-" and "_"',
});

/** `value` parsed by `schema`; a failure is a ValidationError on `field` with `message`. */
function parseField<T>(schema: z.ZodType<T>, value: unknown, field: string, message: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, [field], { message });
  return parsed.data;
}

/** A protocol name (trimmed): required, one path segment, usable as a git branch name. */
export function assertProtocolName(value: unknown, field = 'protocol_name'): string {
  const name = requireText(value, field);
  parseField(
    protocolName,
    name,
    field,
    `Invalid ${field} ${JSON.stringify(name)}: use letters, digits, ".", "-" and "_" (at most 100, starting with a letter or digit)`,
  );
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

/** A base branch (trimmed): required and a valid git branch name. */
export function assertBaseBranch(value: unknown, field = 'base_branch'): string {
  return assertBranchName(requireText(value, field), field);
}

/** A required text field, trimmed. */
export function requireText(value: unknown, field: string): string {
  return parseField(nonEmptyText, value, field, `${field} is required`);
}
