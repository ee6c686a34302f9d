import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '@tasksgodzilla/core';
import { resolveInside } from '@tasksgodzilla/platform-git';

/** Folder of a project's own prompt templates, relative to its checkout: `<name>.md` overrides a role. */
export const PROJECT_PROMPTS_DIR = '.tasksgodzilla/prompts';

/** Folder (relative to the checkout) where onboarding's discovery writes its notes. */
export const DISCOVERY_NOTES_DIR = 'tasksgodzilla';

/** The project's planning guide, as onboarding's starter assets ship it (the original's name). */
export const REFERENCE_TEMPLATE_FILES = [
  `${PROJECT_PROMPTS_DIR}/protocol-new.prompt.md`,
  'prompts/protocol-new.prompt.md',
] as const;

/** In a reference file, the text after this heading is the templates part (the original's marker). */
export const REFERENCE_TEMPLATES_MARKER = '### TEMPLATES FOR PROTOCOL FILES';

/**
 * Reads `<root>/<relative>` when it is a file that really lives inside root (symlinks resolved), so
 * a repository cannot make a prompt carry a file from elsewhere on the host. Null when absent.
 */
export async function readProjectFile(root: string, relative: string): Promise<{ path: string; bytes: Buffer } | null> {
  let inside: string;
  try {
    inside = resolveInside(root, relative);
  } catch (error) {
    if (error instanceof ValidationError) return null;
    throw error;
  }
  try {
    return { path: join(root, relative), bytes: await readFile(inside) };
  } catch (error) {
    if (['EISDIR', 'ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return null;
    throw error;
  }
}

/** The first of `relatives` found in the first root that has one (roots in order, then files in order). */
export async function firstProjectFile(
  roots: readonly string[],
  relatives: readonly string[],
): Promise<{ path: string; bytes: Buffer } | null> {
  for (const root of roots) {
    for (const relative of relatives) {
      const found = await readProjectFile(root, relative);
      if (found) return found;
    }
  }
  return null;
}

function bounded(text: string, max: number, what: string): string {
  return text.length <= max
    ? text
    : `${text.slice(0, max).trimEnd()}\n… (${what} truncated: ${text.length - max} more characters)`;
}

/**
 * The project's reference templates for planning: the part after `### TEMPLATES FOR PROTOCOL FILES`
 * of its `protocol-new.prompt.md` (the whole file when there is no marker), bounded. Null when the
 * project has none.
 */
export async function loadReferenceTemplates(roots: readonly string[], maxChars = 8000): Promise<string | null> {
  const found = await firstProjectFile(roots, REFERENCE_TEMPLATE_FILES);
  if (!found) return null;
  const text = found.bytes.toString('utf8');
  const marker = text.indexOf(REFERENCE_TEMPLATES_MARKER);
  const part = (marker >= 0 ? text.slice(marker + REFERENCE_TEMPLATES_MARKER.length) : text).trim();
  return part === '' ? null : bounded(part, maxChars, 'reference templates');
}

/** Discovery notes, most useful first, with the share of the summary each may take. */
const DISCOVERY_PARTS = [
  { file: 'DISCOVERY.md', share: 0.6 },
  { file: 'CI_NOTES.md', share: 0.4 },
] as const;
const DISCOVERY_MORE = ['ARCHITECTURE.md', 'API_REFERENCE.md'] as const;

/**
 * A bounded summary of the discovery notes onboarding wrote (`tasksgodzilla/DISCOVERY.md` and
 * `CI_NOTES.md`, each cut to its share of `maxChars`), naming the other notes by path. Null when
 * the project has no notes.
 */
export async function loadDiscoverySummary(roots: readonly string[], maxChars = 6000): Promise<string | null> {
  const parts: string[] = [];
  for (const { file, share } of DISCOVERY_PARTS) {
    const found = await firstProjectFile(roots, [`${DISCOVERY_NOTES_DIR}/${file}`]);
    const text = found?.bytes.toString('utf8').trim() ?? '';
    if (text !== '')
      parts.push(`${DISCOVERY_NOTES_DIR}/${file}:\n${bounded(text, Math.floor(maxChars * share), file)}`);
  }
  if (parts.length === 0) return null;
  const more: string[] = [];
  for (const file of DISCOVERY_MORE) {
    if (await firstProjectFile(roots, [`${DISCOVERY_NOTES_DIR}/${file}`])) more.push(`${DISCOVERY_NOTES_DIR}/${file}`);
  }
  if (more.length > 0) parts.push(`More notes in the repository: ${more.join(', ')}.`);
  return parts.join('\n\n');
}
