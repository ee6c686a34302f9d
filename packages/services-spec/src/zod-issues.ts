import type { FieldIssue } from '@tasksgodzilla/core';
import type { z } from 'zod';

/** zod issues as core FieldIssues (paths of strings and numbers). */
export function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment))),
    message: issue.message,
  }));
}

/** The original's message format: `schema:<slash-joined path or (root)>: <message>`. */
export function formatSchemaErrors(error: z.ZodError): string[] {
  return error.issues.map(
    (issue) => `schema:${issue.path.length > 0 ? issue.path.map(String).join('/') : '(root)'}: ${issue.message}`,
  );
}
