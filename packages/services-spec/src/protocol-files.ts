import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ValidationError } from '@tasksgodzilla/core';
import type { FieldIssue } from '@tasksgodzilla/core';
import { resolveInside, sanitizeStepFilename } from '@tasksgodzilla/platform-git';
import { specSchemas } from './spec.schemas.js';
import type { PlanningOutput } from './spec.schemas.js';
import { PROTOCOL_DOC_FILES, isStepFilename } from './step-files.js';

export interface WrittenStepFile {
  /** The name the planning agent gave. */
  requested: string;
  /** The sanitized name actually written inside the protocol folder. */
  filename: string;
  path: string;
}

export interface WriteProtocolFilesResult {
  protocolRoot: string;
  /** Absolute paths of every file written, in order. */
  written: string[];
  stepFiles: WrittenStepFile[];
  /** Sanitized names that are not step files (no two leading digits): written, but not steps. */
  notSteps: string[];
}

/**
 * Parses a planning agent's answer (`{plan_md, context_md, log_md, step_files}`); a ValidationError
 * with field paths when it does not match.
 */
export function parsePlanningOutput(value: unknown): PlanningOutput {
  const parsed = specSchemas().PlanningOutputSchema.safeParse(value);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, [], { message: 'Invalid planning output' });
  return parsed.data;
}

/**
 * Writes `plan.md`, `context.md`, `log.md` and the step files into the protocol folder. Step file
 * names are sanitized (directories and `..` removed, `.md` added when missing) and every target is
 * checked to stay inside the folder, symlinks included. All names are checked before anything is
 * written, so a bad answer changes nothing. Names that would overwrite plan/context/log or collide
 * with each other after sanitizing are rejected.
 */
export async function writeProtocolFiles(protocolRoot: string, planning: unknown): Promise<WriteProtocolFilesResult> {
  const output = parsePlanningOutput(planning);
  const issues: FieldIssue[] = [];
  const stepFiles: { requested: string; filename: string; content: string }[] = [];
  const seen = new Map<string, number>();
  output.step_files.forEach((file, index) => {
    let filename: string;
    try {
      filename = sanitizeStepFilename(file.filename);
    } catch {
      issues.push({
        path: ['step_files', index, 'filename'],
        message: `unusable file name ${JSON.stringify(file.filename)}`,
      });
      return;
    }
    if (!filename.toLowerCase().endsWith('.md')) filename = `${filename}.md`;
    const lower = filename.toLowerCase();
    if ((PROTOCOL_DOC_FILES as readonly string[]).includes(lower)) {
      issues.push({
        path: ['step_files', index, 'filename'],
        message: `${filename} would overwrite a protocol document`,
      });
      return;
    }
    const previous = seen.get(lower);
    if (previous !== undefined) {
      issues.push({
        path: ['step_files', index, 'filename'],
        message: `${filename} duplicates step_files[${previous}]`,
      });
      return;
    }
    seen.set(lower, index);
    stepFiles.push({ requested: file.filename, filename, content: file.content });
  });
  if (issues.length > 0) throw new ValidationError('Invalid planning output: step file names', issues);

  const documents: [string, string][] = [
    ['plan.md', output.plan_md],
    ['context.md', output.context_md],
    ['log.md', output.log_md],
  ];
  const targets = [...documents, ...stepFiles.map((file) => [file.filename, file.content] as [string, string])].map(
    ([name, content]) => ({ name, content, path: resolveInside(protocolRoot, name) }),
  );
  await mkdir(protocolRoot, { recursive: true });
  for (const target of targets) {
    // Re-checked right before writing: the folder now exists, so symlinks inside it are resolved.
    resolveInside(protocolRoot, target.name);
    await mkdir(dirname(target.path), { recursive: true });
    await writeFile(target.path, target.content, 'utf8');
  }
  const pathOf = new Map(targets.map((target) => [target.name, target.path]));
  return {
    protocolRoot,
    written: targets.map((target) => target.path),
    stepFiles: stepFiles.map((file) => ({
      requested: file.requested,
      filename: file.filename,
      path: pathOf.get(file.filename) as string,
    })),
    notSteps: stepFiles.filter((file) => !isStepFilename(file.filename)).map((file) => file.filename),
  };
}
