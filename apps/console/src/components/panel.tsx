import type { ReactNode } from 'react';

/** A titled card with optional header controls. */
export function Panel({
  title,
  actions,
  children,
  id,
  className,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
  id?: string;
  className?: string;
}) {
  return (
    <section className={`panel ${className ?? ''}`} aria-label={title} id={id}>
      <header className="panel-header">
        <h2>{title}</h2>
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** Load error of a pane, in red, as the api phrased it. */
export function LoadError({ error }: { error: unknown }) {
  if (!error) return null;
  return <p className="load-error">{error instanceof Error ? error.message : String(error)}</p>;
}

/** The Refresh button of a pane's header. */
export function RefreshButton({ onRefresh, disabled }: { onRefresh(): void; disabled?: boolean }) {
  return (
    <button type="button" onClick={onRefresh} disabled={disabled}>
      Refresh
    </button>
  );
}

/** A table's header row, one cell per column title. */
export function TableHead({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) => (
          <th key={column}>{column}</th>
        ))}
      </tr>
    </thead>
  );
}

/** The spec-hash filter box of an event list. */
export function SpecHashFilter({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange(value: string): void;
}) {
  return <input aria-label={label} placeholder="spec hash" value={value} onChange={(e) => onChange(e.target.value)} />;
}

/** A pane's header controls: a select (sort order or filter; `options`: value and label) and a Refresh button. */
export function SelectAndRefresh<V extends string>({
  label,
  value,
  options,
  onChange,
  onRefresh,
  disabled,
}: {
  label: string;
  value: V;
  options: readonly (readonly [NoInfer<V>, string])[];
  onChange: (value: V) => void;
  onRefresh(): void;
  /** Disables the Refresh button. */
  disabled?: boolean;
}) {
  return (
    <>
      <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value as V)}>
        {options.map(([option, text]) => (
          <option key={option} value={option}>
            {text}
          </option>
        ))}
      </select>
      <RefreshButton onRefresh={onRefresh} disabled={disabled} />
    </>
  );
}
