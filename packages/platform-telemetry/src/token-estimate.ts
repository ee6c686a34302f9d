const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/**
 * The original's estimate: ceil(characters / 4), minimum 1. Characters are code points (as Python
 * counts them), not UTF-16 units. Only for pre-flight budget checks; real usage comes from engines.
 */
export function estimateTokens(text: string): number {
  const characters = text.length - (text.match(SURROGATE_PAIR)?.length ?? 0);
  return Math.max(1, Math.ceil(characters / 4));
}
