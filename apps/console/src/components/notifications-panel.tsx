import type { WebhookDeliveryOut, WebhookOut } from '@tasksgodzilla/client';
import { useEffect, useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import { useAction } from '../hooks/use-action.js';
import { useCoalesced, useLiveEvents } from '../hooks/use-live-events.js';
import { useResource } from '../hooks/use-resource.js';
import { errorText, formatTime } from '../lib/format.js';
import {
  secretLabel,
  webhookCreateBody,
  webhookFieldErrors,
  type WebhookField,
  type WebhookFormValues,
} from '../lib/webhooks.js';
import { Empty, LoadError, Panel, RefreshButton, TableHead } from './panel.js';
import { Pill, StatusPill } from './pill.js';

const LIST_LIMIT = 100;
const DELIVERIES_SHOWN = 50;
/** Deliveries change without an event (attempts, retries): look again while one is pending. */
const PENDING_RECHECK_MS = 2000;
const EMPTY: WebhookFormValues = { url: '', events: '', secret: '', format: 'json' };
const GROUPS_HINT = 'completed, failed, blocked, needs_input, budget_exceeded, pr_opened, or event types';

/** "Add webhook": the api validates; a 422 is shown under the field it names. */
function WebhookForm({ projectId, onCreated }: { projectId: number; onCreated(webhook: WebhookOut): void }) {
  const { client, notify } = useConsole();
  const [form, setForm] = useState(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<WebhookField, string>>>({});
  const [busy, setBusy] = useState(false);
  const set = (field: keyof WebhookFormValues) => (value: string) =>
    setForm((current) => ({ ...current, [field]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const created = await client.createWebhook(projectId, webhookCreateBody(form));
      setForm(EMPTY);
      setErrors({});
      notify(`Webhook ${created.id} added.`, 'toast');
      onCreated(created);
    } catch (error) {
      setErrors(webhookFieldErrors(error));
      notify(errorText(error), 'error');
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (field: WebhookField) =>
    errors[field] ? (
      <span className="load-error small" data-testid={`webhook-error-${field}`}>
        {field}: {errors[field]}
      </span>
    ) : null;

  return (
    <form className="stack" onSubmit={submit} aria-label="Add webhook">
      <label>
        URL
        <input
          value={form.url}
          onChange={(e) => set('url')(e.target.value)}
          placeholder="https://chat.example.com/hooks/tgz"
          aria-invalid={errors.url ? true : undefined}
        />
        {fieldError('url')}
      </label>
      <label>
        Events (comma-separated)
        <input
          value={form.events}
          onChange={(e) => set('events')(e.target.value)}
          placeholder={GROUPS_HINT}
          aria-invalid={errors.event_filter ? true : undefined}
        />
        {fieldError('event_filter')}
      </label>
      <div className="row">
        <label>
          Secret (optional, write-only)
          <input
            type="password"
            autoComplete="off"
            value={form.secret}
            onChange={(e) => set('secret')(e.target.value)}
            aria-invalid={errors.secret ? true : undefined}
          />
          {fieldError('secret')}
        </label>
        <label>
          Format
          <select value={form.format} onChange={(e) => set('format')(e.target.value === 'slack' ? 'slack' : 'json')}>
            <option value="json">json</option>
            <option value="slack">slack</option>
          </select>
          {fieldError('format')}
        </label>
      </div>
      <div>
        <button type="submit" className="primary" disabled={busy}>
          Add webhook
        </button>
      </div>
    </form>
  );
}

/** The delivery log of one webhook, newest first; refreshed on the project's events and while deliveries are pending. */
function DeliveryLog({ projectId, webhook }: { projectId: number; webhook: WebhookOut }) {
  const { client } = useConsole();
  const deliveries = useResource(
    async () => (await client.listWebhookDeliveries(projectId, webhook.id, { limit: DELIVERIES_SHOWN })).items,
    [client, projectId, webhook.id],
  );
  const reloadSoon = useCoalesced(() => void deliveries.reload(), 500);
  useLiveEvents((event) => {
    if (event.project_id === projectId) reloadSoon();
  });
  const { data } = deliveries;
  const pending = (data ?? []).some((delivery) => delivery.status === 'pending');
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(reloadSoon, PENDING_RECHECK_MS);
    return () => clearTimeout(timer);
  }, [pending, data, reloadSoon]);

  return (
    <section aria-label="Delivery log">
      <div className="viewer-head">
        <h4>
          Delivery log <span className="muted small mono">{webhook.url}</span>
        </h4>
        <RefreshButton onRefresh={() => void deliveries.reload()} />
      </div>
      <LoadError error={deliveries.error} />
      {data && data.length === 0 ? <Empty>No deliveries yet.</Empty> : null}
      {data && data.length > 0 ? (
        <table className="table" aria-label="Webhook deliveries">
          <TableHead
            columns={[
              '#',
              'Event',
              'Status',
              'Attempts',
              'HTTP',
              'Last error',
              'Created',
              'Last attempt',
              'Next / delivered',
            ]}
          />
          <tbody>
            {data.map((delivery: WebhookDeliveryOut) => (
              <tr key={delivery.id} data-testid={`delivery-row-${delivery.id}`}>
                <td className="num">{delivery.id}</td>
                <td className="mono small">{delivery.event_type}</td>
                <td>
                  <StatusPill status={delivery.status} testId={`delivery-status-${delivery.id}`} />
                </td>
                <td className="num" data-testid={`delivery-attempts-${delivery.id}`}>
                  {delivery.attempts}
                </td>
                <td className="num" data-testid={`delivery-http-${delivery.id}`}>
                  {delivery.status_code ?? '-'}
                </td>
                <td className="load-error small">{delivery.last_error ?? ''}</td>
                <td className="nowrap small">{formatTime(delivery.created_at)}</td>
                <td className="nowrap small">{formatTime(delivery.last_attempt_at)}</td>
                <td className="nowrap small">
                  {delivery.delivered_at
                    ? `delivered ${formatTime(delivery.delivered_at)}`
                    : delivery.next_attempt_at
                      ? `next ${formatTime(delivery.next_attempt_at)}`
                      : '-'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/** The selected project's outgoing webhooks: list, add, enable/disable, remove, and a webhook's delivery log. */
export function NotificationsPanel({ projectId }: { projectId: number | null }) {
  const { client } = useConsole();
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [shownFor, setShownFor] = useState(projectId);
  if (shownFor !== projectId) {
    setShownFor(projectId);
    setSelectedId(null);
  }
  const webhooks = useResource(
    projectId === null ? null : async () => (await client.listWebhooks(projectId, { limit: LIST_LIMIT })).items,
    [client, projectId],
  );
  const { busy, run } = useAction();
  const replace = (updated: WebhookOut) =>
    webhooks.setData((current) => current?.map((item) => (item.id === updated.id ? updated : item)));

  const toggle = (webhook: WebhookOut) =>
    projectId !== null &&
    run(
      `toggle-${webhook.id}`,
      () => client.updateWebhook(projectId, webhook.id, { enabled: !webhook.enabled }),
      (updated) => `Webhook ${updated.id} ${updated.enabled ? 'enabled' : 'disabled'}.`,
      replace,
    );
  const remove = (webhook: WebhookOut) =>
    projectId !== null &&
    run(
      `remove-${webhook.id}`,
      () => client.deleteWebhook(projectId, webhook.id),
      `Webhook ${webhook.id} removed.`,
      () => {
        if (selectedId === webhook.id) setSelectedId(null);
        webhooks.setData((current) => current?.filter((item) => item.id !== webhook.id));
      },
    );
  const selected = (webhooks.data ?? []).find((webhook) => webhook.id === selectedId);

  return (
    <Panel
      title="Notifications"
      actions={<RefreshButton onRefresh={() => void webhooks.reload()} disabled={projectId === null} />}
    >
      {projectId === null ? (
        <Empty>Select a project to manage its outgoing webhooks.</Empty>
      ) : (
        <>
          <LoadError error={webhooks.error} />
          {webhooks.data && webhooks.data.length === 0 ? <Empty>No webhooks yet.</Empty> : null}
          {webhooks.data && webhooks.data.length > 0 ? (
            <table className="table clickable" aria-label="Webhooks">
              <TableHead columns={['URL', 'Events', 'Format', 'Enabled', 'Secret', '']} />
              <tbody>
                {webhooks.data.map((webhook) => (
                  <tr
                    key={webhook.id}
                    className={webhook.id === selectedId ? 'selected' : ''}
                    onClick={() => setSelectedId(webhook.id)}
                    onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ' ? setSelectedId(webhook.id) : undefined)}
                    tabIndex={0}
                    aria-selected={webhook.id === selectedId}
                    data-testid={`webhook-row-${webhook.id}`}
                  >
                    <td className="mono small">{webhook.url}</td>
                    <td className="small" title={webhook.event_types.join(', ')}>
                      {webhook.event_filter.join(', ')}
                    </td>
                    <td>{webhook.format}</td>
                    <td>
                      <Pill tone={webhook.enabled ? 'ok' : 'warn'} testId={`webhook-enabled-${webhook.id}`}>
                        {webhook.enabled ? 'enabled' : 'disabled'}
                      </Pill>
                    </td>
                    <td data-testid={`webhook-secret-${webhook.id}`}>{secretLabel(webhook)}</td>
                    <td className="nowrap" onClick={(e) => e.stopPropagation()}>
                      <button
                        type="button"
                        className="small-button"
                        disabled={busy !== null}
                        onClick={() => void toggle(webhook)}
                      >
                        {webhook.enabled ? 'Disable' : 'Enable'}
                      </button>{' '}
                      <button
                        type="button"
                        className="small-button danger"
                        disabled={busy !== null}
                        onClick={() => void remove(webhook)}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {selected ? (
            <DeliveryLog key={selected.id} projectId={projectId} webhook={selected} />
          ) : webhooks.data && webhooks.data.length > 0 ? (
            <Empty>Select a webhook to see its delivery log.</Empty>
          ) : null}
          <h4>Add webhook</h4>
          <WebhookForm
            projectId={projectId}
            onCreated={(created) => {
              webhooks.setData((current) => [created, ...(current ?? [])]);
              setSelectedId(created.id);
            }}
          />
        </>
      )}
    </Panel>
  );
}
