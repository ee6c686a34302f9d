import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError, compareStepFilenames, isStepFilename } from '@tasksgodzilla/core';
import { resolveInside } from '@tasksgodzilla/platform-git';

/** The planning output shape of the original (`schemas/protocol-planning.schema.json`). */
export interface ProtocolPlan {
  plan_md: string;
  context_md: string;
  log_md: string;
  step_files: { filename: string; content: string }[];
}

/** JSON Schema of ProtocolPlan, as the original's planning schema (no extra properties). */
export const PROTOCOL_PLAN_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['plan_md', 'context_md', 'log_md', 'step_files'],
  properties: {
    plan_md: { type: 'string' },
    context_md: { type: 'string' },
    log_md: { type: 'string' },
    step_files: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['filename', 'content'],
        properties: { filename: { type: 'string' }, content: { type: 'string' } },
      },
    },
  },
} as const;

/** A template file's text; a symlink that leads outside the template folder is refused (it would be committed). */
function readTemplateFile(dir: string, name: string): string {
  let path: string;
  try {
    path = resolveInside(dir, name);
  } catch (error) {
    throw new ValidationError(
      `Protocol template ${dir}: ${name} links outside the template folder`,
      [{ path: ['templateDir'], message: `${name} links outside the template folder` }],
      { cause: error },
    );
  }
  return readFileSync(path, 'utf8');
}

/**
 * Reads a protocol template folder: `plan.md` (required), `context.md` and `log.md` (optional,
 * empty when missing) and every step file (core's `isStepFilename`: two leading digits, `.md`), in name order.
 */
export function readProtocolTemplate(dir: string): ProtocolPlan {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ValidationError(`Protocol template folder ${dir} does not exist`, [
      { path: ['templateDir'], message: 'not an existing directory' },
    ]);
  }
  const planPath = join(dir, 'plan.md');
  if (!existsSync(planPath)) {
    throw new ValidationError(`Protocol template ${dir} has no plan.md`, [
      { path: ['templateDir'], message: 'plan.md is missing' },
    ]);
  }
  const optional = (name: string) => (existsSync(join(dir, name)) ? readTemplateFile(dir, name) : '');
  const stepNames = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && isStepFilename(entry.name))
    .map((entry) => entry.name)
    .sort(compareStepFilenames);
  if (stepNames.length === 0) {
    throw new ValidationError(`Protocol template ${dir} has no numbered step files (NN-name.md)`, [
      { path: ['templateDir'], message: 'no step files' },
    ]);
  }
  return {
    plan_md: readTemplateFile(dir, 'plan.md'),
    context_md: optional('context.md'),
    log_md: optional('log.md'),
    step_files: stepNames.map((filename) => ({ filename, content: readTemplateFile(dir, filename) })),
  };
}
