import type { JsonObject, JsonValue } from '@tasksgodzilla/core';
import type { QaVerdict } from './quality.types.js';

/** JSON Schema of a structured QA answer (strict: every property required, no others). */
export const QA_OUTPUT_SCHEMA: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['verdict', 'summary', 'issues'],
  properties: {
    verdict: { type: 'string', enum: ['PASS', 'FAIL'] },
    summary: { type: 'string' },
    issues: { type: 'array', items: { type: 'string' } },
  },
};

export interface StructuredQaAnswer {
  verdict: QaVerdict;
  summary: string;
  issues: string[];
}

/** The answer when it has the schema's shape (verdict case-insensitive), else null. */
export function parseQaAnswer(value: JsonValue | null | undefined): StructuredQaAnswer | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const verdict = typeof value.verdict === 'string' ? value.verdict.trim().toUpperCase() : null;
  if (verdict !== 'PASS' && verdict !== 'FAIL') return null;
  const summary = typeof value.summary === 'string' ? value.summary : '';
  const issues = Array.isArray(value.issues)
    ? value.issues.filter((issue): issue is string => typeof issue === 'string')
    : [];
  return { verdict, summary, issues };
}

/** A structured answer as the Markdown the report embeds, ending with its verdict line. */
export function renderQaAnswer(answer: StructuredQaAnswer): string {
  const issues = answer.issues.length === 0 ? ['No issues.'] : answer.issues.map((issue) => `- ${issue}`);
  return [
    answer.summary.trim() || '(no summary)',
    '',
    '### Issues',
    '',
    ...issues,
    '',
    `Verdict: ${answer.verdict}`,
  ].join('\n');
}
