import type { WebhookDeliveryOut, WebhookOut, WebhookUpdate } from '@tasksgodzilla/client';
import { WEBHOOK_FORMATS, eventFilterIssue, type WebhookFormat } from '@tasksgodzilla/core';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { UsageError } from '../cli.errors.js';
import type { CommandContext } from '../cli.types.js';
import type { ContextFactory } from '../context.js';
import { formatTs, renderTable } from '../format.js';
import { nonBlank, oneOf } from '../parse.js';
import { collectAll, registerGroup } from './command-helpers.js';
import { printList, printRecord, printResult } from './command-output.js';
import { idArgument, limitOption, required } from './command-options.js';

/** The fields `webhooks show` prints, in order. */
const WEBHOOK_FIELDS = [
  'id',
  'project_id',
  'url',
  'secret',
  'event_filter',
  'event_types',
  'format',
  'enabled',
  'created_at',
  'updated_at',
] as const;

/** `--events completed,pr_opened,step_started`: group names and catalogue event types, checked before any call. */
export function parseEventFilter(value: string): string[] {
  const entries = [
    ...new Set(
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    ),
  ];
  const issue = eventFilterIssue(entries);
  if (issue) throw new InvalidArgumentError(`${issue}.`);
  return entries;
}

const renderWebhooks = (webhooks: readonly WebhookOut[]): string =>
  renderTable(
    ['ID', 'URL', 'Events', 'Format', 'Enabled', 'Secret'],
    webhooks.map((w) => [
      w.id,
      w.url,
      w.event_filter.join(','),
      w.format,
      w.enabled ? 'yes' : 'no',
      w.secret ? 'set' : '-',
    ]),
  );

/** One delivery as a table row: what happened to it, and the receiver's last answer. */
const deliveryRow = (d: WebhookDeliveryOut): unknown[] => {
  const answer = d.status_code ?? '-';
  return [d.id, d.event_type, d.status, d.attempts, answer, formatTs(d.last_attempt_at), d.last_error ?? ''];
};

const renderDeliveries = (deliveries: readonly WebhookDeliveryOut[]): string =>
  renderTable(['ID', 'Event', 'Status', 'Attempts', 'HTTP', 'Last attempt', 'Last error'], deliveries.map(deliveryRow));

interface AddOptions {
  url: string;
  events: string[];
  secret?: string;
  format?: WebhookFormat;
  disabled?: boolean;
}

interface UpdateOptions {
  url?: string;
  events?: string[];
  secret?: string;
  clearSecret?: boolean;
  format?: WebhookFormat;
  enable?: boolean;
  disable?: boolean;
}

const urlOption = () => new Option('--url <url>', 'receiver URL (http or https)').argParser(nonBlank);
const eventsOption = () =>
  new Option(
    '--events <list>',
    'comma-separated groups (completed, failed, blocked, needs_input, budget_exceeded, pr_opened) and event types',
  ).argParser(parseEventFilter);
const secretOption = () =>
  new Option('--secret <secret>', 'HMAC-SHA256 signing secret (write-only: never shown again)').argParser(nonBlank);
const formatOption = () =>
  new Option('--format <format>', 'body format: json, or slack for a {"text": …} message').argParser(
    oneOf(WEBHOOK_FORMATS),
  );

/** The update body of `webhooks update` (exit 2 when it changes nothing or contradicts itself). */
function updateBody(opts: UpdateOptions): WebhookUpdate {
  if (opts.enable && opts.disable) throw new InvalidArgumentError('use either --enable or --disable.');
  if (opts.secret !== undefined && opts.clearSecret)
    throw new InvalidArgumentError('use either --secret or --clear-secret.');
  const body: WebhookUpdate = {
    ...(opts.url !== undefined ? { url: opts.url } : {}),
    ...(opts.events !== undefined ? { event_filter: opts.events } : {}),
    ...(opts.format !== undefined ? { format: opts.format } : {}),
    ...(opts.secret !== undefined ? { secret: opts.secret } : {}),
    ...(opts.clearSecret ? { secret: null } : {}),
    ...(opts.enable ? { enabled: true } : {}),
    ...(opts.disable ? { enabled: false } : {}),
  };
  if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give at least one option.');
  return body;
}

export function registerWebhooksCommands(program: Command, ctxOf: ContextFactory): void {
  const projectId = () => idArgument('<project-id>', 'project id');
  const webhookId = () => idArgument('<webhook-id>', 'webhook id');
  registerGroup(
    program,
    ctxOf,
    {
      name: 'webhooks',
      description:
        "a project's outgoing webhooks (notifications of completed, failed, blocked … runs) and their delivery logs",
    },
    [
      {
        name: 'list',
        description: "list a project's webhooks, newest first (secrets shown only as set or not)",
        examples: ['tgz webhooks list 1', 'tgz webhooks list 1 --json'],
        args: [projectId()],
        run: async (ctx: CommandContext, id: number) =>
          printList(ctx, await collectAll(ctx, (p) => ctx.client.listWebhooks(id, p)), 'No webhooks.', renderWebhooks),
      },
      {
        name: 'add',
        description: 'add a webhook: matching events are POSTed to the URL, signed with the secret, retried on failure',
        examples: [
          'tgz webhooks add 1 --url https://ci.example.com/hooks/tgz --secret s3cret --events completed,failed,blocked',
          'tgz webhooks add 1 --url https://hooks.slack.com/services/T0/B0/XX --format slack --events completed,pr_opened',
        ],
        args: [projectId()],
        options: [
          required(urlOption()),
          required(eventsOption()),
          secretOption(),
          formatOption(),
          new Option('--disabled', 'add it switched off'),
        ],
        run: async (ctx: CommandContext, id: number, opts: AddOptions) =>
          printResult(
            ctx,
            await ctx.client.createWebhook(id, {
              url: opts.url,
              event_filter: opts.events,
              ...(opts.secret !== undefined ? { secret: opts.secret } : {}),
              ...(opts.format !== undefined ? { format: opts.format } : {}),
              ...(opts.disabled ? { enabled: false } : {}),
            }),
            (webhook) =>
              `Added webhook ${webhook.id} of project ${webhook.project_id} (${webhook.event_types.length} event types).`,
          ),
      },
      {
        name: 'show',
        description: 'show one webhook (secret redacted)',
        examples: ['tgz webhooks show 1 2'],
        args: [projectId(), webhookId()],
        run: async (ctx: CommandContext, id: number, hook: number) =>
          printRecord(ctx, await ctx.client.getWebhook(id, hook), WEBHOOK_FIELDS),
      },
      {
        name: 'update',
        description: 'change a webhook: only the options given change',
        examples: ['tgz webhooks update 1 2 --disable', 'tgz webhooks update 1 2 --events completed --clear-secret'],
        args: [projectId(), webhookId()],
        options: [
          urlOption(),
          eventsOption(),
          secretOption(),
          new Option('--clear-secret', 'remove the secret (bodies are then sent unsigned)'),
          formatOption(),
          new Option('--enable', 'switch it on'),
          new Option('--disable', 'switch it off (pending deliveries are cancelled)'),
        ],
        run: async (ctx: CommandContext, id: number, hook: number, opts: UpdateOptions) =>
          printResult(
            ctx,
            await ctx.client.updateWebhook(id, hook, updateBody(opts)),
            (webhook) => `Updated webhook ${webhook.id} (${webhook.enabled ? 'enabled' : 'disabled'}).`,
          ),
      },
      {
        name: 'remove',
        description: 'remove a webhook and its delivery log',
        examples: ['tgz webhooks remove 1 2'],
        args: [projectId(), webhookId()],
        run: async (ctx: CommandContext, id: number, hook: number) =>
          printResult(ctx, await ctx.client.deleteWebhook(id, hook), (result) => `Removed webhook ${result.id}.`),
      },
      {
        name: 'deliveries',
        description: "a webhook's delivery log, newest first: status, attempts, HTTP status, last error",
        examples: ['tgz webhooks deliveries 1 2', 'tgz webhooks deliveries 1 2 --limit 5 --json'],
        args: [projectId(), webhookId()],
        options: [limitOption('deliveries', 500, 50)],
        run: async (ctx: CommandContext, id: number, hook: number, opts: { limit: number }) =>
          printList(
            ctx,
            await collectAll(ctx, (p) => ctx.client.listWebhookDeliveries(id, hook, p), opts.limit),
            'No deliveries.',
            renderDeliveries,
          ),
      },
    ],
  );
}
