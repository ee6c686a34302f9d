import type { QaVerdict } from './quality.types.js';

// Markdown decoration that may wrap a verdict line: emphasis, headings, list and quote markers, code.
const DECORATION = /\*\*|__|`/g;
const LEADING = /^[\s#>*\-+_]+/;

function plain(line: string): string {
  return line.replace(DECORATION, '').replace(LEADING, '').trim().toLowerCase();
}

/**
 * The verdict of a QA report: the LAST line that, stripped of markdown (`**`, `__`, `#`, `-`, `*`,
 * `>`, backticks, whitespace) and case, starts with `verdict` and has a `:`; PASS or FAIL is the
 * first word after the colon. No such line, or another word there (`Verdict: ERROR`) → null.
 * The original required the line to start with `VERDICT` verbatim and failed anything containing
 * `FAIL` (so `VERDICT: PASS (no FAIL found)` failed); here that line passes.
 */
export function determineVerdict(report: string): QaVerdict | null {
  const lines = report.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const line = plain(lines[i] ?? '');
    if (!line.startsWith('verdict')) continue;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const word = /[a-z]+/.exec(line.slice(colon + 1))?.[0];
    if (word === 'pass') return 'PASS';
    if (word === 'fail') return 'FAIL';
    return null;
  }
  return null;
}
