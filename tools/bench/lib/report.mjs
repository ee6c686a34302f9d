// Rows of the benchmark: each figure beside the ceiling of its own stack measured in the same run.

/**
 * @typedef {object} BenchRow
 * @property {string} id          stable key (JSON)
 * @property {string} figure      what is measured
 * @property {string} unit        e.g. 'req/s', 'ms', 'MiB'
 * @property {number|null} project the product's number
 * @property {number|null} ceiling the stack's number measured beside it (null: no ceiling, an absolute goal)
 * @property {string} ceilingLabel what the ceiling is
 * @property {'higher'|'lower'} better which direction is better
 * @property {{ ratio?: number, max?: number }} goal  ratio: project/ceiling (higher) or ceiling/project (lower) at least this; max: project at most this (lower)
 * @property {string} [note]
 */

/** The row's ratio: how much of the ceiling the product reaches (1 = as fast as the ceiling). */
export function ratioOf(row) {
  if (row.project === null || row.ceiling === null || row.project === 0 || row.ceiling === 0) return null;
  return row.better === 'higher' ? row.project / row.ceiling : row.ceiling / row.project;
}

/** Whether the row meets its goal (null when it has no goal or no number). */
export function goalMet(row) {
  if (row.project === null) return null;
  const ratio = ratioOf(row);
  if (row.goal.ratio !== undefined) return ratio === null ? null : ratio >= row.goal.ratio;
  if (row.goal.max !== undefined) return row.project <= row.goal.max;
  return null;
}

function goalText(row) {
  if (row.goal.ratio !== undefined) return `≥ ${Math.round(row.goal.ratio * 100)}% of ceiling`;
  if (row.goal.max !== undefined) return `≤ ${row.goal.max} ${row.unit}`;
  return '';
}

const fmt = (value) =>
  value === null || value === undefined
    ? '—'
    : Math.abs(value) >= 100
      ? String(Math.round(value))
      : String(Number(value.toPrecision(3)));

/** A Markdown table of the rows. */
export function formatTable(rows) {
  const header = ['figure', 'project', 'ceiling', 'ratio', 'goal', 'met'];
  const body = rows.map((row) => {
    const ratio = ratioOf(row);
    const met = goalMet(row);
    return [
      row.figure + (row.note ? ` (${row.note})` : ''),
      `${fmt(row.project)} ${row.unit}`,
      row.ceiling === null ? row.ceilingLabel || '—' : `${fmt(row.ceiling)} ${row.unit}: ${row.ceilingLabel}`,
      ratio === null ? '—' : `${ratio >= 0.1 ? Math.round(ratio * 100) : Number((ratio * 100).toPrecision(2))}%`,
      goalText(row),
      met === null ? '—' : met ? 'yes' : 'NO',
    ];
  });
  const widths = header.map((_, i) => Math.max(header[i].length, ...body.map((cells) => cells[i].length)));
  const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** The JSON document written beside the table. */
export function toJson(rows, meta) {
  return {
    ...meta,
    rows: rows.map((row) => ({ ...row, ratio: ratioOf(row), met: goalMet(row) })),
  };
}
