// Driver errors differ by backend: better-sqlite3 sets `code` to SQLITE_CONSTRAINT_*, and names the
// columns in the message; pg sets the SQLSTATE in `code` and the columns in `detail`.

export interface ConstraintViolation {
  kind: 'unique' | 'foreign_key';
  /** Columns involved, when the driver says (SQLite does not for foreign keys). */
  columns: string[];
}

const PG_UNIQUE_VIOLATION = '23505';
const PG_FOREIGN_KEY_VIOLATION = '23503';

function pgColumns(detail: unknown): string[] {
  const match = typeof detail === 'string' ? /Key \(([^)]*)\)=/.exec(detail) : null;
  return match?.[1] ? match[1].split(',').map((c) => c.trim().replace(/^"|"$/g, '')) : [];
}

function sqliteColumns(message: string): string[] {
  // "UNIQUE constraint failed: step_runs.protocol_run_id, step_runs.step_name"
  const list = message.split('constraint failed:')[1];
  return list ? list.split(',').map((c) => c.trim().split('.').pop() ?? '') : [];
}

export function constraintViolation(error: unknown): ConstraintViolation | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, message, detail } = error as { code?: unknown; message?: unknown; detail?: unknown };
  const text = typeof message === 'string' ? message : '';
  switch (code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return { kind: 'unique', columns: sqliteColumns(text) };
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return { kind: 'foreign_key', columns: [] };
    case PG_UNIQUE_VIOLATION:
      return { kind: 'unique', columns: pgColumns(detail) };
    case PG_FOREIGN_KEY_VIOLATION:
      return { kind: 'foreign_key', columns: pgColumns(detail) };
    default:
      return null;
  }
}
