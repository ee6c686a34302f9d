import { formatTokens, formatUsd } from '../lib/format.js';

export interface BarRow {
  key: string;
  tokens: number;
  costUsd: number;
}

/** Tokens and cost per key (phase, model, step) with a bar relative to the largest. */
export function UsageBars({ rows, label }: { rows: BarRow[]; label: string }) {
  const max = Math.max(1, ...rows.map((row) => row.tokens));
  return (
    <table className="table bars" aria-label={label}>
      <thead>
        <tr>
          <th>{label}</th>
          <th className="num">Tokens</th>
          <th className="num">Cost</th>
          <th className="bar-cell" aria-hidden="true" />
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <td>{row.key}</td>
            <td className="num">{formatTokens(row.tokens)}</td>
            <td className="num">{formatUsd(row.costUsd)}</td>
            <td className="bar-cell">
              <span className="bar" style={{ width: `${Math.round((row.tokens / max) * 100)}%` }} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "Pass rate: P% (pass/total)" with a bar per verdict. */
export function PassRate({
  pass,
  total,
  verdicts,
}: {
  pass: number;
  total: number;
  verdicts: { verdict: string; count: number }[];
}) {
  return (
    <div className="pass-rate">
      <p>
        Pass rate: <strong>{total > 0 ? `${Math.round((pass / total) * 100)}%` : 'n/a'}</strong> ({pass}/{total})
      </p>
      <ul className="verdicts">
        {verdicts.map(({ verdict, count }) => (
          <li key={verdict}>
            <span className="verdict-label">{verdict}</span>
            <span
              className={`bar verdict-${verdict.toLowerCase()}`}
              style={{ width: `${total > 0 ? Math.round((count / total) * 100) : 0}%` }}
            />
            <span className="num">{count}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
