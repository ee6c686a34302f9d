/**
 * The step-file grammar of TasksGodzilla, defined once: which fenced blocks of a Markdown step file
 * a step runs and which commands prove it done (its checks). The planning and decomposition prompts
 * teach it, services-spec reads checks with it, the shell engine runs it, QA runs and reports the
 * checks. Pure text parsing, no I/O.
 */

/** Info string of the fence the prompts teach: one check command per line. */
export const CHECKS_FENCE = 'checks';

/** Where a check was written. */
export type CheckSource =
  /** A line of a ```checks fence. */
  | 'checks-fence'
  /** A shell block tagged `check` (```sh check): the whole block is one check. */
  | 'check-tag'
  /** A shell block under a heading named "Checks": the whole block is one check. */
  | 'checks-section';

/** One check command of a step file. */
export interface StepCheck {
  /** 1-based position among the file's checks. */
  index: number;
  /** 1-based line of the command (a checks fence) or of the opening fence (a shell block). */
  line: number;
  command: string;
  source: CheckSource;
}

/** A fenced shell block of a step file. */
export interface ShellBlock {
  /** 1-based position among the file's shell blocks. */
  index: number;
  /** 1-based line of the opening fence. */
  line: number;
  /** `sh`, `bash` or `shell`. */
  language: string;
  /** Words after the language in the info string, lower-cased (e.g. `check`). */
  tags: string[];
  code: string;
  /** Tagged `check`, or inside a `Checks` section: a check, never run by execute. */
  isCheck: boolean;
  /** Tagged `skip` or `norun`: never run (examples, documentation). */
  isSkipped: boolean;
}

export interface ParsedStepFile {
  /** Every sh/bash/shell block, in order (checks and skipped ones included). */
  blocks: ShellBlock[];
  /** Blocks a step runs (the shell engine's execute), in order. */
  runBlocks: ShellBlock[];
  /** The step's checks, in file order, whatever form they were written in. */
  checks: StepCheck[];
}

const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell']);
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})\s*(.*)$/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})\s*$/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const CHECKS_HEADING = /^(qa\s+)?checks?$/i;

/**
 * The commands of a ```checks fence: one per line; blank lines and `#` comment lines are ignored; a
 * line ending in `\` continues on the next one (as in a shell).
 */
function fenceCommands(body: string[], firstLine: number): { line: number; command: string }[] {
  const out: { line: number; command: string }[] = [];
  let parts: string[] = [];
  let startLine = 0;
  const flush = () => {
    const command = parts.filter((part) => part !== '').join(' ');
    if (command !== '') out.push({ line: startLine, command });
    parts = [];
  };
  for (const [offset, raw] of body.entries()) {
    const text = raw.trim();
    if (parts.length === 0) {
      if (text === '' || text.startsWith('#')) continue;
      startLine = firstLine + offset;
    }
    if (text.endsWith('\\')) {
      parts.push(text.slice(0, -1).trimEnd());
      continue;
    }
    parts.push(text);
    flush();
  }
  flush();
  return out;
}

/**
 * Parses a Markdown step file. Fences open with ``` or ~~~ (3 or more, up to 3 spaces of indent)
 * and close with a fence of the same character at least as long. Checks are, in file order:
 * - every command line of a ```checks fence (the form the prompts teach);
 * - a ```sh / ```bash / ```shell block tagged `check` (```sh check): the whole block is one check;
 * - a sh/bash/shell block under a heading named "Checks" or "QA checks" (any level, until the next
 *   heading of the same or a higher level): the whole block is one check.
 * Other sh/bash/shell blocks are the step's own commands. Blocks tagged `skip` or `norun`, empty
 * blocks and other languages are never run.
 */
export function parseStepFile(markdown: string): ParsedStepFile {
  const lines = markdown.split(/\r?\n/);
  const blocks: ShellBlock[] = [];
  const checks: StepCheck[] = [];
  const addCheck = (line: number, command: string, source: CheckSource) => {
    checks.push({ index: checks.length + 1, line, command, source });
  };
  let checksLevel: number | null = null;
  let i = 0;
  while (i < lines.length) {
    const text = lines[i] ?? '';
    const heading = HEADING.exec(text);
    if (heading) {
      const level = heading[1]?.length ?? 1;
      if (checksLevel !== null && level <= checksLevel) checksLevel = null;
      if (CHECKS_HEADING.test(heading[2] ?? '')) checksLevel = level;
      i += 1;
      continue;
    }
    const open = FENCE_OPEN.exec(text);
    if (!open || (open[1]?.startsWith('`') && (open[2] ?? '').includes('`'))) {
      i += 1;
      continue;
    }
    const fence = open[1] ?? '```';
    const words = (open[2] ?? '')
      .trim()
      .toLowerCase()
      .split(/[\s,{}]+/)
      .filter(Boolean)
      .map((w) => w.replace(/^\./, ''));
    const startLine = i + 1;
    const body: string[] = [];
    i += 1;
    while (i < lines.length) {
      const close = FENCE_CLOSE.exec(lines[i] ?? '')?.[1];
      if (close && close[0] === fence[0] && close.length >= fence.length) break;
      body.push(lines[i] ?? '');
      i += 1;
    }
    i += 1;
    const language = words[0] ?? '';
    const tags = words.slice(1);
    const isSkipped = tags.includes('skip') || tags.includes('norun');
    if (language === CHECKS_FENCE) {
      if (!isSkipped)
        for (const { line, command } of fenceCommands(body, startLine + 1)) addCheck(line, command, 'checks-fence');
      continue;
    }
    if (!SHELL_LANGUAGES.has(language)) continue;
    const tagged = tags.includes('check');
    const block: ShellBlock = {
      index: blocks.length + 1,
      line: startLine,
      language,
      tags,
      code: body.join('\n'),
      isCheck: tagged || checksLevel !== null,
      isSkipped,
    };
    blocks.push(block);
    if (block.isCheck && !isSkipped && block.code.trim() !== '')
      addCheck(startLine, block.code.trim(), tagged ? 'check-tag' : 'checks-section');
  }
  const runBlocks = blocks.filter((b) => !b.isSkipped && !b.isCheck && b.code.trim() !== '');
  return { blocks, runBlocks, checks };
}

/** The check commands of a step file, in order (see parseStepFile). */
export function extractStepChecks(markdown: string): string[] {
  return parseStepFile(markdown).checks.map((check) => check.command);
}
