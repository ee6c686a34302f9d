/** Limits of the "simple step" heuristic (the original's `is_simple_step` defaults). */
export interface SimpleStepLimits {
  maxLines: number;
  maxChars: number;
  maxBullets: number;
}

export const SIMPLE_STEP_LIMITS: Readonly<SimpleStepLimits> = { maxLines: 12, maxChars: 1200, maxBullets: 6 };

// `- item`, `* item`, `+ item`, and numbered items `1. item` / `1) item`. The original meant to count
// numbered items too, but its double-escaped regex never matched them.
const BULLET = /^\s*(?:[-*+]|\d+[.)])\s+/;

/**
 * True when a step file is small enough not to need decomposition: at most 1,200 characters (code
 * points, as Python counts), at most 12 non-blank lines, and at most 6 bullet lines.
 */
export function isSimpleStep(content: string, limits: Partial<SimpleStepLimits> = {}): boolean {
  const { maxLines, maxChars, maxBullets } = { ...SIMPLE_STEP_LIMITS, ...limits };
  if ([...content].length > maxChars) return false;
  const lines = content.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length > maxLines) return false;
  return lines.filter((line) => BULLET.test(line)).length <= maxBullets;
}
