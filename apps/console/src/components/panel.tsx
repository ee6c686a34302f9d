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
