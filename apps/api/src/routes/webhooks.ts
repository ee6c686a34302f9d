import type { FastifyRequest } from 'fastify';
import type { RouteApi, ApiDeps } from '../api.types.js';
import { checkWebhookAuth } from '../http/auth.js';
import { HttpError } from '../http/http-errors.js';
import {
  interpretGithubWebhook,
  interpretGitlabWebhook,
  interpretIssueWebhook,
  type IssueDeliveryResult,
  type WebhookInterpretation,
} from '@tasksgodzilla/runtime';
import { actionResponse } from '../presenters.js';
import { apiContract } from '@tasksgodzilla/api-contract';
import { routeSchema } from '../http/route-schema.js';

type Provider = 'github' | 'gitlab';

const INTERPRETERS: Record<Provider, (event: string | undefined, payload: unknown) => WebhookInterpretation> = {
  github: interpretGithubWebhook,
  gitlab: interpretGitlabWebhook,
};
const EVENT_HEADERS: Record<Provider, string> = { github: 'x-github-event', gitlab: 'x-gitlab-event' };
/** Where each forge puts the id of a delivery (the same id on a redelivery). */
const DELIVERY_HEADERS: Record<Provider, readonly string[]> = {
  github: ['x-github-delivery'],
  gitlab: ['idempotency-key', 'x-gitlab-event-uuid'],
};
/** Delivery ids used for de-duplication: printable, bounded (anything else is processed without it). */
const DELIVERY_ID = /^[\x21-\x7e]{1,200}$/;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function deliveryId(provider: Provider, request: FastifyRequest): string | null {
  for (const name of DELIVERY_HEADERS[provider]) {
    const value = header(request, name)?.trim();
    if (value && DELIVERY_ID.test(value)) return value;
  }
  return null;
}

/** The delivery's JSON: an empty body is `{}`; a form-encoded GitHub delivery carries it in `payload`. */
function parsePayload(raw: Buffer, contentType: string | undefined): unknown {
  let text = raw.toString('utf8');
  if (contentType?.startsWith('application/x-www-form-urlencoded'))
    text = new URLSearchParams(text).get('payload') ?? '';
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(
      400,
      `Invalid JSON payload: ${error instanceof Error ? error.message : String(error)}`,
      'invalid_json',
    );
  }
}

/** The answer to an issue delivery: the runs opened (their planning job, when one was started), or why none. */
function issueResponse(outcome: IssueDeliveryResult, delivery: string | null) {
  if (outcome.duplicate) return { message: `Webhook already processed (delivery ${delivery})`, job: null };
  if (outcome.runs.length === 0)
    return { message: `Webhook ignored: ${outcome.ignored_reason ?? 'nothing to do'}`, job: null };
  const names = outcome.runs.map(
    ({ run, created }) => `${run.protocol_name} (${run.id}${created ? '' : ', existing'})`,
  );
  const job = outcome.runs.find((result) => result.job)?.job ?? null;
  return actionResponse(`Issue protocol: ${names.join(', ')}`, job);
}

/**
 * GitHub and GitLab CI webhooks, and issue deliveries (GitHub `issues`, GitLab issue hooks). The body is kept raw: the signature is checked over the exact bytes
 * before anything is parsed (the original parsed first, so junk bodies gave 500s). Then the payload is
 * interpreted (services-orchestrator) and handed to the orchestrator, which records the event and
 * moves the step and run with guarded transitions.
 */
export type WebhookRouteDeps = Pick<ApiDeps, 'orchestrator' | 'config' | 'metrics'>;

export function registerWebhookRoutes(app: RouteApi, { orchestrator, config, metrics }: WebhookRouteDeps): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    for (const provider of ['github', 'gitlab'] as const) {
      scope.post(
        `/webhooks/${provider}`,
        {
          config: { auth: 'webhook' },
          schema: routeSchema(provider === 'github' ? apiContract.githubWebhook : apiContract.gitlabWebhook),
        },
        async (request) => {
          const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          const auth = checkWebhookAuth(provider, request, raw, {
            webhookToken: config.webhookToken,
            apiToken: config.apiToken,
          });
          if (!auth.ok) {
            metrics.observeWebhook(provider, 'unauthorized');
            throw new HttpError(401, auth.detail, 'webhook_unauthorized');
          }
          metrics.observeWebhook(provider, 'received');
          const payload = parsePayload(raw, header(request, 'content-type'));
          // A redelivered (or replayed) delivery is answered, not processed again.
          const delivery = deliveryId(provider, request);
          const issue = interpretIssueWebhook(provider, header(request, EVENT_HEADERS[provider]), payload);
          if (issue) {
            const outcome = await orchestrator.handleIssueDelivery(
              { delivery_id: delivery, interpretation: issue },
              { requestId: request.id },
            );
            return issueResponse(outcome, delivery);
          }
          const interpretation = INTERPRETERS[provider](header(request, EVENT_HEADERS[provider]), payload);
          const runId = (request.query as { protocol_run_id?: number }).protocol_run_id ?? null;
          if (!interpretation.input) {
            const reason = interpretation.ignored_reason ?? 'nothing to do';
            await orchestrator.recordIgnoredDelivery(
              {
                provider,
                delivery_id: delivery,
                event_type: interpretation.event_type,
                branch: interpretation.branch,
                value: interpretation.value,
                reason,
                protocol_run_id: runId,
              },
              { requestId: request.id },
            );
            return { message: `Webhook ignored: ${reason}`, job: null };
          }
          const outcome = await orchestrator.handleCiDelivery(
            {
              provider,
              delivery_id: delivery,
              status: {
                ...interpretation.input,
                protocol_run_id: runId,
              },
            },
            { requestId: request.id },
          );
          if (!outcome.result) return { message: `Webhook already processed (delivery ${delivery})`, job: null };
          return actionResponse('Webhook recorded', outcome.result.job);
        },
      );
    }
  });
}
