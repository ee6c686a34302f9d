import type { ProtocolRun } from '@tasksgodzilla/core';
import { apiContract } from '@tasksgodzilla/api-contract';
import type { RouteApi, ApiDeps } from '../api.types.js';
import { routeSchema } from '../http/route-schema.js';
import { runAccess } from '../http/access.js';
import { sendPage } from '../http/pagination.js';
import { actionResponse, eventOut, presentRun } from '../presenters.js';

export type ProtocolRouteDeps = Pick<ApiDeps, 'orchestrator' | 'reads'>;

export function registerProtocolRoutes(app: RouteApi, { orchestrator, reads }: ProtocolRouteDeps): void {
  const runOut = (run: ProtocolRun) => presentRun(reads, run);

  app.get('/protocols/:id', { schema: routeSchema(apiContract.getProtocol) }, async (request) => {
    const { run } = await runAccess(reads, request, request.params.id);
    return runOut(run);
  });

  app.get(
    '/protocols/:id/spec',
    {
      schema: routeSchema(apiContract.getProtocolSpec),
    },
    async (request) => {
      const { run } = await runAccess(reads, request, request.params.id);
      const view = await reads.protocolRunView(run);
      const spec = run.template_config?.['protocol_spec'];
      return {
        protocol_run_id: run.id,
        protocol_name: run.protocol_name,
        project_id: run.project_id,
        spec: typeof spec === 'object' && spec !== null && !Array.isArray(spec) ? spec : null,
        spec_hash: view.spec_hash,
        validation_status: view.validation.status,
        validation_errors: view.validation.errors,
        validated_at: view.validation.validated_at,
      };
    },
  );

  app.get(
    '/protocols/:id/usage',
    {
      schema: routeSchema(apiContract.getProtocolUsage),
    },
    async (request) => {
      const { run } = await runAccess(reads, request, request.params.id);
      const usage = await orchestrator.usage(run.id);
      return {
        protocol_run_id: usage.protocol_run_id,
        tokens: usage.totals.tokens,
        cost_usd: usage.totals.cost_usd,
        by_phase: usage.by_phase,
        by_model: usage.by_model,
        by_step: usage.by_step,
      };
    },
  );

  app.post('/protocols/:id/actions/start', { schema: routeSchema(apiContract.startProtocol) }, async (request) => {
    const { run } = await runAccess(reads, request, request.params.id);
    const result = await orchestrator.startProtocol(run.id, {
      requestId: request.id,
      replan: request.query.replan ?? false,
    });
    return actionResponse('Protocol planning enqueued', result.job);
  });

  app.post('/protocols/:id/actions/pause', { schema: routeSchema(apiContract.pauseProtocol) }, async (request) => {
    const { run } = await runAccess(reads, request, request.params.id);
    return runOut(await orchestrator.pauseProtocol(run.id, { requestId: request.id }));
  });

  app.post('/protocols/:id/actions/resume', { schema: routeSchema(apiContract.resumeProtocol) }, async (request) => {
    const { run } = await runAccess(reads, request, request.params.id);
    return runOut((await orchestrator.resumeProtocol(run.id, { requestId: request.id })).run);
  });

  app.post('/protocols/:id/actions/cancel', { schema: routeSchema(apiContract.cancelProtocol) }, async (request) => {
    const { run } = await runAccess(reads, request, request.params.id);
    return runOut(await orchestrator.cancelProtocol(run.id, { requestId: request.id }));
  });

  app.post(
    '/protocols/:id/actions/run_next_step',
    { schema: routeSchema(apiContract.runNextStep) },
    async (request) => {
      const { run } = await runAccess(reads, request, request.params.id);
      const result = await orchestrator.runNextStep(run.id, { requestId: request.id });
      return actionResponse(`Step ${result.step.step_name} enqueued`, result.job);
    },
  );

  app.post('/protocols/:id/actions/retry_latest', { schema: routeSchema(apiContract.retryLatest) }, async (request) => {
    const { run } = await runAccess(reads, request, request.params.id);
    const result = await orchestrator.retryLatest(run.id, { requestId: request.id });
    return actionResponse(`Retrying ${result.step.step_name}`, result.job);
  });

  app.post('/protocols/:id/actions/open_pr', { schema: routeSchema(apiContract.openPr) }, async (request) => {
    const { run } = await runAccess(reads, request, request.params.id);
    const result = await orchestrator.openPr(run.id, { requestId: request.id });
    return actionResponse('Open PR/MR enqueued', result.job);
  });

  app.post(
    '/protocols/:id/steps',
    {
      schema: routeSchema(apiContract.createStep),
    },
    async (request) => {
      const { run } = await runAccess(reads, request, request.params.id);
      return orchestrator.createStep(run.id, request.body, { requestId: request.id });
    },
  );

  app.get(
    '/protocols/:id/steps',
    {
      schema: routeSchema(apiContract.listSteps),
    },
    async (request, reply) => {
      const { run } = await runAccess(reads, request, request.params.id);
      const page = await reads.stepPage(run.id, { limit: request.query.limit, cursor: request.query.cursor });
      return sendPage(reply, page, (step) => step);
    },
  );

  app.get(
    '/protocols/:id/events',
    {
      schema: routeSchema(apiContract.listProtocolEvents),
    },
    async (request, reply) => {
      const { run } = await runAccess(reads, request, request.params.id);
      const page = await reads.events(
        { protocol_run_id: run.id },
        { limit: request.query.limit, cursor: request.query.cursor },
      );
      return sendPage(reply, page, eventOut);
    },
  );
}
