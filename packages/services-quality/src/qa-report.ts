import { mkdir, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stepStem } from '@tasksgodzilla/services-spec';
import type { QaOutcome } from './quality.types.js';
import type { CheckRun } from './qa-checks.js';

export interface QaReportInput {
  stepFilename: string;
  attempt: number;
  policy: string;
  agent: { engine_id: string; model: string | null; outcome: string; text: string | null } | null;
  checks: CheckRun[];
  outcome: Exclude<QaOutcome, 'SKIPPED'>;
  /** One sentence: why the outcome is what it is. */
  reason: string;
  budgetWarning: string | null;
}

/** A passing check shows only the end of its output; a failing one its whole tail (up to 40 lines). */
const PASSED_OUTPUT_LINES = 5;

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `   ${line}`)
    .join('\n');
}

/** The combined report; its last line is always `Verdict: PASS|FAIL|ERROR`. */
export function renderQaReport(input: QaReportInput): string {
  const out: string[] = [`# QA report: ${input.stepFilename} (attempt ${input.attempt})`, ''];
  out.push(`- Policy: ${input.policy}`);
  if (input.agent) {
    out.push(
      `- Agent: ${input.agent.engine_id}${input.agent.model ? ` (model ${input.agent.model})` : ''}, run ${input.agent.outcome}`,
    );
  } else {
    out.push('- Agent: not run');
  }
  const passed = input.checks.filter((check) => check.passed).length;
  out.push(
    `- Checks: ${input.checks.length === 0 ? 'none run by the orchestrator' : `${passed} passed, ${input.checks.length - passed} failed`}`,
  );
  if (input.budgetWarning) out.push(`- Budget warning: ${input.budgetWarning}`);
  out.push('');
  if (input.checks.length > 0) {
    out.push('## Checks', '');
    input.checks.forEach((check, index) => {
      const detail = check.error ? `${check.error}` : `exit ${check.exit_code ?? 'none'}`;
      out.push(`${index + 1}. ${check.passed ? 'PASS' : 'FAIL'} \`${check.command}\` (${detail})`);
      const output = check.passed ? lastLines(check.output_tail, PASSED_OUTPUT_LINES) : check.output_tail;
      if (output.trim() !== '') out.push('', '   ```text', indent(output), '   ```');
    });
    out.push('');
  }
  if (input.agent) {
    out.push(
      '## Agent report',
      '',
      input.agent.text && input.agent.text.trim() !== '' ? input.agent.text.trim() : '(no report)',
      '',
    );
  }
  out.push('## Result', '', input.reason, '', `Verdict: ${input.outcome}`);
  return `${out.join('\n')}\n`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Writes `<protocolRoot>/quality/<step stem>-<n>.md` with the next free n (1, 2, …). The file is
 * created exclusively, so concurrent attempts never overwrite each other or an earlier report.
 */
export async function writeQaReport(
  protocolRoot: string,
  stepFilename: string,
  render: (attempt: number) => string,
): Promise<{ path: string; attempt: number; text: string }> {
  const dir = join(protocolRoot, 'quality');
  await mkdir(dir, { recursive: true });
  const stem = stepStem(stepFilename);
  const pattern = new RegExp(`^${escapeRegExp(stem)}-(\\d+)\\.md$`);
  const taken = (await readdir(dir)).map((name) => Number(pattern.exec(name)?.[1] ?? 0));
  let attempt = Math.max(0, ...taken) + 1;
  for (;;) {
    const path = join(dir, `${stem}-${attempt}.md`);
    try {
      const handle = await open(path, 'wx');
      const text = render(attempt);
      try {
        await handle.writeFile(text, 'utf8');
      } finally {
        await handle.close();
      }
      return { path, attempt, text };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      attempt += 1;
    }
  }
}
