import type { ProjectCreate, ProjectOut } from '@tasksgodzilla/client';
import { useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import { useAction } from '../hooks/use-action.js';
import { parseDefaultModels } from '../lib/forms.js';
import { Panel } from './panel.js';

const EMPTY = { name: '', gitUrl: '', baseBranch: 'main', ciProvider: '', localPath: '', models: '' };

/** "Onboard project": POST /projects, which also enqueues the project's setup. */
export function ProjectForm({ onCreated }: { onCreated(project: ProjectOut): void }) {
  const { client, notify } = useConsole();
  const { busy, run } = useAction();
  const [form, setForm] = useState(EMPTY);
  const set = (field: keyof typeof EMPTY) => (value: string) => setForm((current) => ({ ...current, [field]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const models = parseDefaultModels(form.models);
    if (models.error) return notify(models.error, 'error');
    const body: ProjectCreate = {
      name: form.name.trim(),
      git_url: form.gitUrl.trim(),
      base_branch: form.baseBranch.trim() || 'main',
      ci_provider: form.ciProvider === 'github' || form.ciProvider === 'gitlab' ? form.ciProvider : null,
      default_models: models.value,
      ...(form.localPath.trim() ? { local_path: form.localPath.trim() } : {}),
    };
    await run(
      'create',
      () => client.createProject(body),
      'Project created and setup enqueued.',
      (project) => {
        setForm(EMPTY);
        onCreated(project);
      },
    );
  };

  return (
    <Panel title="Onboard project">
      <form className="stack" onSubmit={submit} aria-label="Onboard project">
        <label>
          Name
          <input required value={form.name} onChange={(e) => set('name')(e.target.value)} placeholder="my-service" />
        </label>
        <label>
          Git URL / path
          <input
            required
            value={form.gitUrl}
            onChange={(e) => set('gitUrl')(e.target.value)}
            placeholder="git@github.com:org/repo.git"
          />
        </label>
        <div className="row">
          <label>
            Base branch
            <input value={form.baseBranch} onChange={(e) => set('baseBranch')(e.target.value)} />
          </label>
          <label>
            CI provider
            <select value={form.ciProvider} onChange={(e) => set('ciProvider')(e.target.value)}>
              <option value="">auto</option>
              <option value="github">github</option>
              <option value="gitlab">gitlab</option>
            </select>
          </label>
        </div>
        <label>
          Local path (optional)
          <input
            value={form.localPath}
            onChange={(e) => set('localPath')(e.target.value)}
            placeholder="/srv/checkouts/repo"
          />
        </label>
        <label>
          Default models (JSON, optional)
          <textarea
            rows={2}
            value={form.models}
            onChange={(e) => set('models')(e.target.value)}
            placeholder='{"exec": "gpt-5.1-codex", "qa": "gpt-5.1"}'
          />
        </label>
        <button type="submit" className="primary" disabled={busy !== null}>
          {busy ? 'Creating…' : 'Create & run setup'}
        </button>
      </form>
    </Panel>
  );
}
