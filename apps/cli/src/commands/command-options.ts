import { Argument, Option } from 'commander';
import { intInRange, nonBlank, parseId } from '../parse.js';

// Operands and options that several commands share, built fresh for each command.

/** `<name>` parsed as a positive id (`<project-id>`, "project id"). */
export function idArgument(name: string, description: string): Argument {
  return new Argument(name, description).argParser(parseId);
}

/** `<name>` as a non-blank string (`<job-id>`). */
export function textArgument(name: string, description: string): Argument {
  return new Argument(name, description).argParser(nonBlank);
}

/** `--project <id>`. */
export function projectOption(description = 'project id'): Option {
  return new Option('--project <id>', description).argParser(parseId);
}

/** `--protocol <id>`. */
export function protocolOption(description = 'protocol run id'): Option {
  return new Option('--protocol <id>', description).argParser(parseId);
}

/** `--limit <n>`: how many `what`, 1 to `max`, `fallback` by default. */
export function limitOption(what: string, max: number, fallback: number): Option {
  return new Option('--limit <n>', `how many ${what}`).argParser(intInRange(1, max)).default(fallback);
}

/** `--status <status>`: a non-blank status filter. */
export function statusOption(description: string): Option {
  return new Option('--status <status>', description).argParser(nonBlank);
}

/** `--base-branch <branch>`. */
export function baseBranchOption(description = 'base branch', fallback?: string): Option {
  const option = new Option('--base-branch <branch>', description);
  return fallback === undefined ? option : option.default(fallback);
}

/** `--description <text>`. */
export function descriptionOption(description: string): Option {
  return new Option('--description <text>', description);
}

/** `option`, which the command cannot run without. */
export function required(option: Option): Option {
  return option.makeOptionMandatory();
}
