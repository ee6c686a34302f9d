import { NOTIFICATION_STATUSES, WEBHOOK_FORMATS, eventFilterIssue, webhookUrlIssue } from '@tasksgodzilla/core';
import { z } from 'zod';
import { idSchema } from './contract.schemas.js';

// Outgoing webhooks of a project (issue 14 §2): requests and answers. The checks are core's, shared
// with the orchestrator, so the api's 422 and a library caller's ValidationError say the same.

const timestamp = z.string().describe('ISO-8601 UTC with milliseconds');

const webhookUrl = z.string().superRefine((value, ctx) => {
  const issue = webhookUrlIssue(value);
  if (issue) ctx.addIssue({ code: 'custom', message: issue });
});

const eventFilter = z
  .array(z.string())
  .superRefine((value, ctx) => {
    const issue = eventFilterIssue(value);
    if (issue) ctx.addIssue({ code: 'custom', message: issue });
  })
  .describe(
    'Group names (completed, failed, blocked, needs_input, budget_exceeded, pr_opened) and event types of the catalogue.',
  );

const webhookSecret = z
  .string()
  .min(1)
  .nullable()
  .describe('Write-only: signs each body (`X-TasksGodzilla-Signature-256`); answers show only whether it is set.');

export const WebhookParams = z.object({ project_id: idSchema, webhook_id: idSchema });

export const WebhookCreate = z.object({
  url: webhookUrl,
  secret: webhookSecret.optional(),
  event_filter: eventFilter,
  format: z.enum(WEBHOOK_FORMATS).optional().describe('`json` (default) or `slack` (a `{ "text": … }` body).'),
  enabled: z.boolean().optional(),
});

export const WebhookUpdate = z.object({
  url: webhookUrl.optional(),
  secret: webhookSecret.optional().describe('null removes the secret; absent keeps it.'),
  event_filter: eventFilter.optional(),
  format: z.enum(WEBHOOK_FORMATS).optional(),
  enabled: z.boolean().optional(),
});

export const WebhookOut = z.strictObject({
  id: z.number().int(),
  project_id: z.number().int(),
  url: z.string(),
  secret: z.literal('***').nullable().describe('Redacted: `***` when a secret is set, else null.'),
  event_filter: z.array(z.string()),
  event_types: z.array(z.string()).describe('The catalogue event types the filter selects (groups expanded).'),
  format: z.enum(WEBHOOK_FORMATS),
  enabled: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const WebhookDeleteResponse = z.strictObject({ deleted: z.boolean(), id: z.number().int() });

export const WebhookDeliveryOut = z.strictObject({
  id: z.number().int(),
  webhook_id: z.number().int(),
  project_id: z.number().int(),
  event_id: z.number().int(),
  event_type: z.string(),
  status: z.enum(NOTIFICATION_STATUSES),
  attempts: z.number().int().describe('HTTP attempts made so far.'),
  status_code: z.number().int().nullable().describe("The receiver's answer to the last attempt (null: none came)."),
  last_error: z.string().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  last_attempt_at: timestamp.nullable(),
  next_attempt_at: timestamp.nullable(),
  delivered_at: timestamp.nullable(),
});
