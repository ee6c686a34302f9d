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
  /** Tagged `check`, or inside a `Checks` section: run by qa, skipped by execute. */
  isCheck: boolean;
  /** Tagged `skip` or `norun`: never run (examples, documentation). */
  isSkipped: boolean;
}

export interface ParsedStepFile {
  blocks: ShellBlock[];
  /** Blocks execute runs, in order. */
  runBlocks: ShellBlock[];
  /** Blocks qa runs, in order. */
  checkBlocks: ShellBlock[];
}

const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell']);
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})\s*(.*)$/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})\s*$/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const CHECKS_HEADING = /^(qa\s+)?checks?$/i;

/**
 * Finds the fenced ```sh / ```bash / ```shell blocks of a Markdown step file. A block is a check
 * when its info string carries `check` (```sh check) or it sits under a heading named "Checks"
 * (any level, until the next heading of the same or a higher level).
 */
export function parseStepFile(markdown: string): ParsedStepFile {
  const lines = markdown.split(/\r?\n/);
  const blocks: ShellBlock[] = [];
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
    const words = (open[2] ?? '').trim().toLowerCase().split(/[\s,{}]+/).filter(Boolean);
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
    const language = (words[0] ?? '').replace(/^\./, '');
    if (!SHELL_LANGUAGES.has(language)) continue;
    const tags = words.slice(1).map((w) => w.replace(/^\./, ''));
    blocks.push({
      index: blocks.length + 1,
      line: startLine,
      language,
      tags,
      code: body.join('\n'),
      isCheck: tags.includes('check') || checksLevel !== null,
      isSkipped: tags.includes('skip') || tags.includes('norun'),
    });
  }
  const live = blocks.filter((b) => !b.isSkipped && b.code.trim() !== '');
  return { blocks, runBlocks: live.filter((b) => !b.isCheck), checkBlocks: live.filter((b) => b.isCheck) };
}
