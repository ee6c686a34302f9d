import { useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';

/** The X-Project-Token of the selected project, kept with the bearer token (memory, or this tab's session). */
export function ProjectTokenForm({
  projectId,
  token,
  onSave,
}: {
  projectId: number | null;
  token: string;
  onSave(projectId: number, token: string): void;
}) {
  const { notify } = useConsole();
  const [value, setValue] = useState(token);
  const [shownFor, setShownFor] = useState(projectId);
  if (shownFor !== projectId) {
    setShownFor(projectId);
    setValue(token);
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (projectId === null) return notify('Select a project first.', 'error');
    onSave(projectId, value.trim());
    notify(value.trim() ? 'Project token saved.' : 'Project token cleared.', 'toast');
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Project token">
      <input
        type="password"
        aria-label="Project token"
        placeholder="Project token (X-Project-Token)"
        autoComplete="off"
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit">Save project token</button>
    </form>
  );
}
