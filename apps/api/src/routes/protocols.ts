import type { ProtocolRun } from '@tasksgodzilla/core';
import { z } from 'zod';
import type { Api, ApiDeps } from '../api.types.js';
import { runAccess } from '../http/access.js';
import { sendPage } from '../http/pagination.js';
import { actionResponse, eventOut, presentRun } from '../presenters.js';
import {
  ActionResponse,
  Detail,
  EventOut,
  PageQuery,
  ProtocolParams,
  ProtocolRunOut,
  ProtocolSpecOut,
  ProtocolUsageOut,
  StepRunCreate,
  StepRunOut,
} from '../schemas.js';

const TAGS = ['protocols'];
const StartQuery = z.object({
  replan: z
    .enum(['true', 'false', '1', '0'])
    .transform((value) => value === 'true' || value === '1')
    .optional()
    .describe('Plan a planned, paused or blocked run again.'),
});

export type ProtocolRouteDeps = Pick<ApiDeps, 'orchestrator' | 'reads'>;

export function registerProtocolRoutes(app: Api, { orchestrator, reads }: ProtocolRouteDeps): void {
  const params = ProtocolParams;
  const runOut = (run: ProtocolRun) => presentRun(reads, run);

  app.get(
    '/protocols/:id',
    { schema: { tags: TAGS, summary: 'Get a protocol run', params, response: { 200: ProtocolRunOut, 404: Detail } } },
    async (request) => {
      const { run } = await runAccess(reads, request, request.params.id);
      return runOut(run);
    },
  );

  app.get(
    '/protocols/:id/spec',
    {
      schema: {
        tags: TAGS,
        summary: "The run's protocol spec and its validation",
        params,
        response: { 200: ProtocolSpecOut, 404: Detail },
      },
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
      schema: {
        tags: TAGS,
        summary: 'Tokens and cost of the run, by phase, model and step',
        params,
        response: { 200: ProtocolUsageOut, 404: Detail },
      },
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

  const actionSchema = (summary: string, response: typeof ActionResponse | typeof ProtocolRunOut) => ({
    tags: TAGS,
    summary,
    params,
    response: { 200: response, 404: Detail, 409: Detail },
  });

  app.post(
    '/protocols/:id/actions/start',
    { schema: { ...actionSchema('Plan the run (pending → planning)', ActionResponse), querystring: StartQuery } },
    async (request) => {
      const { run } = await runAccess(reads, request, request.params.id);
      const result = await orchestrator.startProtocol(run.id, {
        requestId: request.id,
        replan: request.query.replan ?? false,
      });
      return actionResponse('Protocol planning enqueued', result.job);
    },
  );

  app.post(
    '/protocols/:id/actions/pause',
    { schema: actionSchema('Pause the run', ProtocolRunOut) },
    async (request) => {
      const { run } = await runAccess(reads, request, request.params.id);
      return runOut(await orchestrator.pauseProtocol(run.id, { requestId: request.id }));
    },
  );

  app.post(
    '/protocols/:id/actions/resume',
    { schema: actionSchema('Resume a paused run', ProtocolRunOut) },
    async (request) => {
      const { run } = await runAccess(reads, request, request.params.id);
      return runOut((await orchestrator.resumeProtocol(run.id, { requestId: request.id })).run);
    },
  );

  app.post(
    '/protocols/:id/actions/cancel',
    { schema: actionSchema('Cancel the run, its open steps and jobs', ProtocolRunOut) },
    async (request) => {
      const { run } = await runAccess(reads, request, request.params.id);
      return runOut(await orchestrator.cancelProtocol(run.id, { requestId: request.id }));
    },
  );

  app.post(
    '/protocols/:id/actions/run_next_step',
    { schema: actionSchema('Run the first pending, blocked or failed step', ActionResponse) },
    async (request) => {
      const { run } = await runAccess(reads, request, request.params.id);
      const result = await orchestrator.runNextStep(run.id, { requestId: request.id });
      return actionResponse(`Step ${result.step.step_name} enqueued`, result.job);
    },
  );

  app.post(
    '/protocols/:id/actions/retry_latest',
    { schema: actionSchema('Retry the last failed or blocked step', ActionResponse) },
    async (request) => {
      const { run } = await runAccess(reads, request, request.params.id);
      const result = await orchestrator.retryLatest(run.id, { requestId: request.id });
      return actionResponse(`Retrying ${result.step.step_name}`, result.job);
    },
  );

  app.post(
    '/protocols/:id/actions/open_pr',
    { schema: actionSchema('Push the branch and open the PR/MR', ActionResponse) },
    async (request) => {
      const { run } = await runAccess(reads, request, request.params.id);
      const result = await orchestrator.openPr(run.id, { requestId: request.id });
      return actionResponse('Open PR/MR enqueued', result.job);
    },
  );

  app.post(
    '/protocols/:id/steps',
    {
      schema: {
        tags: TAGS,
        summary: 'Add a step run',
        params,
        body: StepRunCreate,
        response: { 200: StepRunOut, 404: Detail, 409: Detail, 422: Detail },
      },
    },
    async (request) => {
      const { run } = await runAccess(reads, request, request.params.id);
      return orchestrator.createStep(run.id, request.body, { requestId: request.id });
    },
  );

  app.get(
    '/protocols/:id/steps',
    {
      schema: {
        tags: TAGS,
        summary: 'Steps by index',
        params,
        querystring: PageQuery,
        response: { 200: StepRunOut.array(), 404: Detail },
      },
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
      schema: {
        tags: TAGS,
        summary: "The run's events, newest first",
        params,
        querystring: PageQuery,
        response: { 200: EventOut.array(), 404: Detail },
      },
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
