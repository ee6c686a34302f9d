import {
  ValidationError,
  WEBHOOK_FORMATS,
  eventFilterIssue,
  webhookUrlIssue,
  type FieldIssue,
  type ProjectWebhook,
} from '@tasksgodzilla/core';
import { projectWebhookNotFound } from '@tasksgodzilla/platform-storage';
import type { OrchestratorContext } from '../orchestrator.context.js';
import { getProject } from '../lifecycle/run-state.js';
import type { ProjectWebhookInput, ProjectWebhookUpdate } from './notifications.types.js';

/** The issues of a webhook's fields (only those present when `partial`), in field order. */
function inputIssues(input: ProjectWebhookUpdate, partial: boolean): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const check = (field: string, present: boolean, issue: () => string | null) => {
    if (!present && partial) return;
    const message = present ? issue() : 'required';
    if (message) issues.push({ path: [field], message });
  };
  check('url', input.url !== undefined, () =>
    typeof input.url === 'string' ? webhookUrlIssue(input.url) : 'must be a string',
  );
  if (input.secret !== undefined && input.secret !== null && (typeof input.secret !== 'string' || input.secret === ''))
    issues.push({ path: ['secret'], message: 'must be a non-empty string or null' });
  check('event_filter', input.event_filter !== undefined, () =>
    Array.isArray(input.event_filter) && input.event_filter.every((entry) => typeof entry === 'string')
      ? eventFilterIssue(input.event_filter)
      : 'must be a list of strings',
  );
  if (input.format !== undefined && !WEBHOOK_FORMATS.includes(input.format))
    issues.push({ path: ['format'], message: `must be one of ${WEBHOOK_FORMATS.join(', ')}` });
  if (input.enabled !== undefined && typeof input.enabled !== 'boolean')
    issues.push({ path: ['enabled'], message: 'must be a boolean' });
  return issues;
}

function assertInput(input: ProjectWebhookUpdate, partial: boolean): void {
  const issues = inputIssues(input ?? {}, partial);
  if (issues.length === 0) return;
  const text = issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ');
  throw new ValidationError(`Invalid webhook: ${text}`, issues);
}

/** The webhook when it belongs to the project; else its NotFoundError (also for another project's id). */
async function projectWebhook(ctx: OrchestratorContext, projectId: number, webhookId: number): Promise<ProjectWebhook> {
  const webhook = await ctx.deps.storage.projectWebhooks.find(webhookId);
  if (!webhook || webhook.project_id !== projectId) throw projectWebhookNotFound(webhookId);
  return webhook;
}

/** Adds an outgoing webhook to a project (enabled unless said otherwise, json unless `slack`). */
export async function createProjectWebhook(
  ctx: OrchestratorContext,
  projectId: number,
  input: ProjectWebhookInput,
): Promise<ProjectWebhook> {
  assertInput(input, false);
  await getProject(ctx.deps.storage, projectId);
  return ctx.deps.storage.projectWebhooks.create({
    project_id: projectId,
    url: input.url,
    secret: input.secret ?? null,
    event_filter: [...new Set(input.event_filter)],
    ...(input.format !== undefined ? { format: input.format } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
  });
}

/** Changes a project's webhook (absent keys kept; `secret: null` removes the secret). */
export async function updateProjectWebhook(
  ctx: OrchestratorContext,
  projectId: number,
  webhookId: number,
  patch: ProjectWebhookUpdate,
): Promise<ProjectWebhook> {
  assertInput(patch, true);
  await projectWebhook(ctx, projectId, webhookId);
  const { event_filter: filter, ...rest } = patch;
  return ctx.deps.storage.projectWebhooks.update(webhookId, {
    ...rest,
    ...(filter !== undefined ? { event_filter: [...new Set(filter)] } : {}),
  });
}

/** Removes a project's webhook and its delivery log; pending deliveries' jobs then find nothing to do. */
export async function deleteProjectWebhook(
  ctx: OrchestratorContext,
  projectId: number,
  webhookId: number,
): Promise<void> {
  await projectWebhook(ctx, projectId, webhookId);
  await ctx.deps.storage.projectWebhooks.remove(webhookId);
}
