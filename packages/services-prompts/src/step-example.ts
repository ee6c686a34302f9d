const EXAMPLE_FENCE = /^````markdown[^\S\n]*\n([\s\S]*?)\n````[^\S\n]*$/m;

/**
 * The example step file a prompt template shows (the body of its first ```` ````markdown ````
 * fence), or null. Tests feed it to the spec parser and QA, so the grammar the prompt teaches and
 * the one the code reads cannot drift apart.
 */
export function extractStepFileExample(templateText: string): string | null {
  const body = EXAMPLE_FENCE.exec(templateText)?.[1];
  return body === undefined ? null : `${body}\n`;
}
