/** One fenced TypeScript block of a README. */
export interface ReadmeExample {
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** False for a block fenced as `ts fragment` (a signature listing or a piece of a larger program). */
  runnable: boolean;
}

const OPENING = /^```(ts|typescript)(?:\s+(.*))?$/;

/**
 * The ```ts blocks of a README in order. The convention the release check runs by: a block fenced
 * plainly as `ts` is a complete program that runs as written against the installed packages; a block
 * fenced `ts fragment` is not run. Any other word after `ts` is refused, so a typo cannot hide a block.
 */
export function readmeExamples(markdown: string): ReadmeExample[] {
  const lines = markdown.split('\n');
  const examples: ReadmeExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = OPENING.exec(lines[i]!.trimEnd());
    if (!match) continue;
    const marker = match[2]?.trim() ?? '';
    if (marker !== '' && marker !== 'fragment')
      throw new Error(`line ${i + 1}: unknown marker "${marker}" after \`\`\`${match[1]} (use "fragment" or nothing)`);
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]!.trimEnd() !== '```'; i++) body.push(lines[i]!);
    if (i >= lines.length) throw new Error(`line ${start + 1}: the \`\`\`${match[1]} block is never closed`);
    examples.push({ line: start + 1, code: `${body.join('\n')}\n`, runnable: marker === '' });
  }
  return examples;
}
