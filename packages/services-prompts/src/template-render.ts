import { ValidationError } from '@tasksgodzilla/core';
import type { PromptVars } from './prompt.types.js';

const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Variable names used by a template, in order of first appearance. */
export function templateVariables(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(VARIABLE), (match) => match[1] as string))];
}

/**
 * Replaces every `{{name}}` (spaces inside the braces allowed) in one pass, so `{{…}}` inside a
 * value (a step file, a diff) is left as it is. Every variable must be given (null/undefined count
 * as missing; an empty string is a value): a ValidationError lists all missing ones.
 */
export function renderTemplate(template: string, vars: PromptVars, label = 'template'): string {
  const missing = templateVariables(template).filter(
    (name) => !Object.hasOwn(vars, name) || vars[name] === null || vars[name] === undefined,
  );
  if (missing.length > 0) {
    throw new ValidationError(
      `Missing prompt variables for ${label}: ${missing.join(', ')}`,
      missing.map((name) => ({ path: ['vars', name], message: 'required by the template' })),
    );
  }
  return template.replace(VARIABLE, (_match, name: string) => String(vars[name]));
}
