import type { ProtocolRunOut } from '@tasksgodzilla/client';
import { useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import { errorText } from '../lib/format.js';
import { protocolCreateBody, type ProtocolFormValues } from '../lib/forms.js';
import { Panel } from './panel.js';

const EMPTY: ProtocolFormValues = { name: '', baseBranch: 'main', description: '', template: '', autoAdvance: true };

/** "New protocol": creates the run (pending) and, with "Create & start", plans it at once. */
export function ProtocolForm({
  projectId,
  onCreated,
}: {
  projectId: number | null;
  onCreated(run: ProtocolRunOut): void;
}) {
  const { client, notify } = useConsole();
  const [form, setForm] = useState(EMPTY);
  const [busy, setBusy] = useState(false);

  const create = async (start: boolean) => {
    if (projectId === null) return notify('Select a project first.', 'error');
    if (!form.name.trim()) return notify('Protocol name is required.', 'error');
    setBusy(true);
    try {
      const created = await client.createProtocol(projectId, protocolCreateBody(form));
      setForm(EMPTY);
      onCreated(created);
      if (!start) return notify(`Protocol ${created.protocol_name} created.`, 'toast');
      try {
        await client.startProtocol(created.id);
        notify('Protocol created; planning enqueued.', 'toast');
      } catch (error) {
        notify(`Protocol ${created.protocol_name} created, but planning did not start: ${errorText(error)}`, 'error');
      }
    } catch (error) {
      notify(errorText(error), 'error');
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void create(true);
  };

  return (
    <Panel title="New protocol">
      <form className="stack" onSubmit={submit} aria-label="New protocol">
        <div className="row">
          <label>
            Protocol name
            <input
              required
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
              placeholder="0001-task-name"
            />
          </label>
          <label>
            Base branch
            <input value={form.baseBranch} onChange={(e) => setForm({ ...form, baseBranch: e.target.value })} />
          </label>
        </div>
        <label>
          Description
          <input
            value={form.description}
            onChange={(e) => setForm({ ...form, description: e.target.value })}
            placeholder="What the agents should do"
          />
        </label>
        <label>
          Template folder (optional, on the api host)
          <input
            value={form.template}
            onChange={(e) => setForm({ ...form, template: e.target.value })}
            placeholder="/srv/templates/add-login"
          />
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={form.autoAdvance}
            onChange={(e) => setForm({ ...form, autoAdvance: e.target.checked })}
          />{' '}
          Auto-advance (run each next step by itself)
        </label>
        <div className="row buttons">
          <button type="submit" className="primary" disabled={busy || projectId === null}>
            Create &amp; start
          </button>
          <button type="button" disabled={busy || projectId === null} onClick={() => void create(false)}>
            Create only
          </button>
        </div>
      </form>
    </Panel>
  );
}
