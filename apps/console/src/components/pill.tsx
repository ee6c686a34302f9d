import type { ReactNode } from 'react';
import { statusTone } from '../lib/status.js';

export function Pill({
  children,
  tone = 'idle',
  title,
  testId,
}: {
  children: ReactNode;
  tone?: string;
  title?: string;
  testId?: string;
}) {
  return (
    <span className={`pill pill-${tone}`} title={title} data-testid={testId}>
      {children}
    </span>
  );
}

/** A status word coloured by what it means (completed green, running blue, failed red…). */
export function StatusPill({ status, testId }: { status: string; testId?: string }) {
  return (
    <Pill tone={statusTone(status)} testId={testId}>
      {status}
    </Pill>
  );
}
