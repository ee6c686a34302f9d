export type QaVerdict = 'PASS' | 'FAIL';

export interface QaCheckResult {
  /** 1-based position among the step's checks. */
  index: number;
  line: number;
  command: string;
  exit_code: number | null;
  passed: boolean;
  /** Last lines of the check's output (stdout and stderr). */
  output: string;
}

function firstLine(command: string): string {
  const lines = command.trim().split('\n');
  return lines.length > 1 ? `${lines[0]} … (+${lines.length - 1} lines)` : (lines[0] ?? '');
}

/** The shell engine's QA report: Markdown that always ends with a `Verdict: PASS|FAIL` line. */
export function formatQaReport(input: {
  stepName: string;
  workingDir: string;
  checks: QaCheckResult[];
  verdict: QaVerdict;
  /** Why the run stopped early (timeout, stall, abort), if it did. */
  interruption?: string | null;
}): string {
  const out: string[] = [`# QA report: ${input.stepName}`, ''];
  out.push(`Engine: shell. Checks run in \`${input.workingDir}\`.`, '');
  if (input.checks.length === 0) {
    out.push(
      'No checks found: add a ```checks fence (one command per line), ```sh check blocks or a "## Checks" section with ```sh blocks.',
      '',
    );
  } else {
    out.push('## Checks', '');
    for (const check of input.checks) {
      out.push(
        `${check.index}. ${check.passed ? 'PASS' : 'FAIL'}: \`${firstLine(check.command)}\` (line ${check.line}, exit ${check.exit_code ?? 'none'})`,
      );
      if (!check.passed && check.output.trim() !== '') {
        out.push(
          '',
          '   ```text',
          ...check.output
            .trimEnd()
            .split('\n')
            .map((l) => `   ${l}`),
          '   ```',
        );
      }
    }
    out.push('');
    const passed = input.checks.filter((c) => c.passed).length;
    out.push('## Summary', '', `${passed} passed, ${input.checks.length - passed} failed.`, '');
  }
  if (input.interruption) out.push(`Stopped early: ${input.interruption}.`, '');
  out.push(`Verdict: ${input.verdict}`);
  return out.join('\n');
}
