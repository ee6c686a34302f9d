import { apiContract } from '@tasksgodzilla/api-contract';
import type { RouteApi, ApiDeps } from '../api.types.js';
import { routeSchema } from '../http/route-schema.js';
import { projectAccess } from '../http/access.js';
import { HttpError } from '../http/http-errors.js';
import { sendPage } from '../http/pagination.js';
import { webhookDeliveryOut, webhookOut } from '../presenters.js';

export type ProjectWebhookRouteDeps = Pick<ApiDeps, 'orchestrator' | 'reads'>;

/** Outgoing webhooks of a project (issue 14 §2), scoped like every project route (X-Project-Token). */
export function registerProjectWebhookRoutes(app: RouteApi, { orchestrator, reads }: ProjectWebhookRouteDeps): void {
  const webhookOf = async (projectId: number, webhookId: number) => {
    const webhook = await reads.projectWebhook(projectId, webhookId);
    if (!webhook) throw new HttpError(404, 'Webhook not found', 'not_found');
    return webhook;
  };

  app.get(
    '/projects/:project_id/webhooks',
    { schema: routeSchema(apiContract.listProjectWebhooks) },
    async (request, reply) => {
      const project = await projectAccess(reads, request, request.params.project_id);
      const page = await reads.projectWebhooks(project.id, {
        limit: request.query.limit,
        cursor: request.query.cursor,
      });
      return sendPage(reply, page, webhookOut);
    },
  );

  app.post(
    '/projects/:project_id/webhooks',
    { schema: routeSchema(apiContract.createProjectWebhook) },
    async (request) => {
      const project = await projectAccess(reads, request, request.params.project_id);
      return webhookOut(await orchestrator.createProjectWebhook(project.id, request.body));
    },
  );

  app.get(
    '/projects/:project_id/webhooks/:webhook_id',
    { schema: routeSchema(apiContract.getProjectWebhook) },
    async (request) => {
      const project = await projectAccess(reads, request, request.params.project_id);
      return webhookOut(await webhookOf(project.id, request.params.webhook_id));
    },
  );

  app.put(
    '/projects/:project_id/webhooks/:webhook_id',
    { schema: routeSchema(apiContract.updateProjectWebhook) },
    async (request) => {
      const project = await projectAccess(reads, request, request.params.project_id);
      const webhook = await webhookOf(project.id, request.params.webhook_id);
      return webhookOut(await orchestrator.updateProjectWebhook(project.id, webhook.id, request.body));
    },
  );

  app.delete(
    '/projects/:project_id/webhooks/:webhook_id',
    { schema: routeSchema(apiContract.deleteProjectWebhook) },
    async (request) => {
      const project = await projectAccess(reads, request, request.params.project_id);
      const webhook = await webhookOf(project.id, request.params.webhook_id);
      await orchestrator.deleteProjectWebhook(project.id, webhook.id);
      return { deleted: true, id: webhook.id };
    },
  );

  app.get(
    '/projects/:project_id/webhooks/:webhook_id/deliveries',
    { schema: routeSchema(apiContract.listWebhookDeliveries) },
    async (request, reply) => {
      const project = await projectAccess(reads, request, request.params.project_id);
      const webhook = await webhookOf(project.id, request.params.webhook_id);
      const page = await reads.webhookDeliveries(webhook.id, {
        limit: request.query.limit,
        cursor: request.query.cursor,
      });
      return sendPage(reply, page, webhookDeliveryOut);
    },
  );
}
