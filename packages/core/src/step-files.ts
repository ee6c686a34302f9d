/** Files of a protocol folder that are never steps. */
export const PROTOCOL_DOC_FILES = ['plan.md', 'context.md', 'log.md'] as const;

/**
 * The step-file name grammar: a file name (no `/` or `\`) that starts with two digits and ends in
 * `.md` in any case (`00-setup.md`, `01-api.md`, `02.MD`, `120-late.md`), and is not a protocol
 * document. The two digits are the order; the rest is free.
 */
export function isStepFilename(name: string): boolean {
  return (
    /^\d\d/.test(name) &&
    !/[/\\]/.test(name) &&
    name.toLowerCase().endsWith('.md') &&
    !(PROTOCOL_DOC_FILES as readonly string[]).includes(name)
  );
}

/** Step order: by name in code-point order, as the original's `sorted()` (`10-a.md` after `09-z.md`). */
export function compareStepFilenames(a: string, b: string): number {
  const left = Array.from(a, (c) => c.codePointAt(0) ?? 0);
  const right = Array.from(b, (c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(left.length, right.length); i += 1) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}
