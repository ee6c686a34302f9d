import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { NotFoundError, ValidationError } from '@tasksgodzilla/core';
import { fingerprintText } from '@tasksgodzilla/platform-git';
import { PROJECT_PROMPTS_DIR, firstProjectFile } from './project-files.js';
import type { PromptInfo, PromptTemplate } from './prompt.types.js';
import { templateVariables } from './template-render.js';

/**
 * The templates shipped with this package (`<package>/prompts/`), found through the package's own
 * name, so the path holds from `src/`, `dist/` or an app's bundle (where this code is in the app's file).
 */
export function defaultTemplatesDir(): string {
  const root = dirname(createRequire(import.meta.url).resolve('@tasksgodzilla/services-prompts/package.json'));
  return join(root, 'prompts', sep);
}

const ROLE_NAME = /^[a-z][a-z0-9-]*$/;

function templatePath(dir: string, role: string): string {
  if (!ROLE_NAME.test(role)) {
    throw new ValidationError(`Invalid prompt role: ${JSON.stringify(role)}`, [
      { path: ['role'], message: 'lowercase letters, digits and hyphens only' },
    ]);
  }
  return join(dir, `${role}.md`);
}

/** Reads one template; a NotFoundError when the folder has no `<role>.md`. */
export async function loadTemplate(dir: string, role: string): Promise<PromptTemplate> {
  const path = templatePath(dir, role);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new NotFoundError(`Prompt template not found for role ${role}: ${path}`, { cause: error });
    throw error;
  }
  const text = bytes.toString('utf8');
  return { role, path, text, version: fingerprintText(bytes), variables: templateVariables(text) };
}

/** Every `<role>.md` of the folder, sorted by role. */
export async function listTemplates(dir: string): Promise<PromptInfo[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new NotFoundError(`Prompt templates folder not found: ${dir}`, { cause: error });
    throw error;
  }
  const roles = names
    .filter((name) => name.endsWith('.md'))
    .map((name) => name.slice(0, -3))
    .filter((role) => ROLE_NAME.test(role))
    .sort();
  return Promise.all(
    roles.map(async (role) => {
      const { path, version } = await loadTemplate(dir, role);
      return { role, path, version };
    }),
  );
}

/**
 * A project's own template for a role: `<root>/.tasksgodzilla/prompts/<role>.md` in the first root
 * that has one (symlinks leaving the root are ignored), or null.
 */
export async function loadProjectTemplate(roots: readonly string[], role: string): Promise<PromptTemplate | null> {
  templatePath('.', role);
  const found = await firstProjectFile(roots, [`${PROJECT_PROMPTS_DIR}/${role}.md`]);
  if (!found) return null;
  const text = found.bytes.toString('utf8');
  return { role, path: found.path, text, version: fingerprintText(found.bytes), variables: templateVariables(text) };
}
