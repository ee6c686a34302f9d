import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { ValidationError } from '@tasksgodzilla/core';

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

/** Numbered step files: `00-setup.md`, `01-build.md`, … */
export const STEP_FILE_PATTERN = /^(\d+)-[^/\\]+\.md$/;

function stepNumber(filename: string): number {
  return Number(STEP_FILE_PATTERN.exec(filename)?.[1] ?? Number.NaN);
}

/** A template file's text; a symlink that leads outside the template folder is refused (it would be committed). */
function readTemplateFile(dir: string, name: string): string {
  const real = realpathSync(join(dir, name));
  const rel = relative(realpathSync(dir), real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new ValidationError(`Protocol template ${dir}: ${name} links outside the template folder`, [
      { path: ['templateDir'], message: `${name} links outside the template folder` },
    ]);
  }
  return readFileSync(real, 'utf8');
}

/**
 * Reads a protocol template folder: `plan.md` (required), `context.md` and `log.md` (optional,
 * empty when missing) and every `NN-*.md` step file, ordered by number then name.
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
    .filter((entry) => entry.isFile() && STEP_FILE_PATTERN.test(entry.name))
    .map((entry) => entry.name)
    .sort((a, b) => stepNumber(a) - stepNumber(b) || a.localeCompare(b));
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
