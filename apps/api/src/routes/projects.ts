import type { ProtocolRun } from '@tasksgodzilla/core';
import { apiContract } from '@tasksgodzilla/api-contract';
import type { RouteApi, ApiDeps } from '../api.types.js';
import { routeSchema } from '../http/route-schema.js';
import { projectAccess } from '../http/access.js';
import { HttpError } from '../http/http-errors.js';
import { sendPage } from '../http/pagination.js';
import { requestScope } from '../http/scope.js';
import { actionResponse, eventOut, projectOut, presentRun } from '../presenters.js';

const DELETE_SUFFIX = '/delete';

export type ProjectRouteDeps = Pick<ApiDeps, 'orchestrator' | 'reads'>;

export function registerProjectRoutes(app: RouteApi, { orchestrator, reads }: ProjectRouteDeps): void {
  const runOut = (run: ProtocolRun) => presentRun(reads, run);

  app.post(
    '/projects',
    {
      schema: routeSchema(apiContract.createProject),
    },
    async (request) => {
      const created = await orchestrator.createProject(request.body, { requestId: request.id });
      return projectOut(created.project);
    },
  );

  app.get(
    '/projects',
    {
      schema: routeSchema(apiContract.listProjects),
    },
    async (request, reply) => {
      const scope = await requestScope(reads, request);
      const page = await reads.projects(
        { limit: request.query.limit, cursor: request.query.cursor },
        scope.global ? {} : { ids: scope.projectIds },
      );
      return sendPage(reply, page, projectOut);
    },
  );

  app.get(
    '/projects/:project_id',
    {
      schema: routeSchema(apiContract.getProject),
    },
    async (request) => {
      return projectOut(await projectAccess(reads, request, request.params.project_id));
    },
  );

  app.get(
    '/projects/:project_id/branches',
    {
      schema: routeSchema(apiContract.listBranches),
    },
    async (request) => {
      const project = await projectAccess(reads, request, request.params.project_id);
      return { branches: await orchestrator.listBranches(project.id, { requestId: request.id }) };
    },
  );

  app.post(
    '/projects/:project_id/branches/*',
    {
      schema: routeSchema(apiContract.deleteBranch),
    },
    async (request) => {
      const rest = request.params['*'];
      if (!rest.endsWith(DELETE_SUFFIX) || rest.length === DELETE_SUFFIX.length)
        throw new HttpError(404, 'Not Found', 'not_found');
      const branch = rest.slice(0, -DELETE_SUFFIX.length);
      const project = await projectAccess(reads, request, request.params.project_id);
      if (request.body.confirm !== true)
        throw new HttpError(400, 'confirm=true required to delete a remote branch', 'confirm_required');
      return orchestrator.deleteRemoteBranch(project.id, branch, { requestId: request.id });
    },
  );

  app.post(
    '/projects/:project_id/protocols',
    {
      schema: routeSchema(apiContract.createProtocolRun),
    },
    async (request) => {
      const project = await projectAccess(reads, request, request.params.project_id);
      // Accepted only as `pending` / null (the contract checks them): planning sets these, not the caller.
      const { status: _status, worktree_path: _worktree, protocol_root: _root, ...input } = request.body;
      return runOut(await orchestrator.createProtocolRun(project.id, input, { requestId: request.id }));
    },
  );

  app.get(
    '/projects/:project_id/protocols',
    {
      schema: routeSchema(apiContract.listProtocolRuns),
    },
    async (request, reply) => {
      const project = await projectAccess(reads, request, request.params.project_id);
      const page = await reads.protocolRuns(
        { project_id: project.id },
        { limit: request.query.limit, cursor: request.query.cursor },
      );
      const items = await Promise.all(page.items.map(runOut));
      return sendPage(reply, { items, next_cursor: page.next_cursor }, (item) => item);
    },
  );

  app.post(
    '/projects/:project_id/codemachine/import',
    {
      schema: routeSchema(apiContract.importCodeMachine),
    },
    async (request) => {
      const project = await projectAccess(reads, request, request.params.project_id);
      const body = request.body;
      const result = await orchestrator.importCodeMachine(project.id, body, { requestId: request.id });
      const message = body.enqueue
        ? 'Enqueued CodeMachine import job.'
        : result.run.status === 'blocked'
          ? 'CodeMachine spec validation failed; protocol blocked.'
          : 'Imported CodeMachine workspace.';
      return {
        protocol_run: await runOut(result.run),
        message,
        job: actionResponse(message, result.job).job,
      };
    },
  );

  app.get(
    '/projects/:project_id/onboarding',
    {
      schema: routeSchema(apiContract.getOnboarding),
    },
    async (request) => {
      const project = await projectAccess(reads, request, request.params.project_id);
      const { summary, events } = await reads.onboarding(project);
      return {
        ...summary,
        last_event: summary.last_event ? eventOut(summary.last_event) : null,
        events: events.map(eventOut),
      };
    },
  );

  app.post(
    '/projects/:project_id/onboarding/actions/start',
    {
      schema: routeSchema(apiContract.startOnboarding),
    },
    async (request) => {
      const project = await projectAccess(reads, request, request.params.project_id);
      const result = await orchestrator.startOnboarding(project.id, { requestId: request.id });
      return actionResponse('Project setup enqueued', result.job);
    },
  );

  app.post(
    '/projects/:project_id/actions/discover',
    {
      schema: routeSchema(apiContract.discoverProject),
    },
    async (request, reply) => {
      const project = await projectAccess(reads, request, request.params.project_id);
      const started = await orchestrator.startDiscovery(project.id, request.body ?? {}, { requestId: request.id });
      const message = started.created ? 'Discovery enqueued' : 'Discovery already queued';
      return reply.code(202).send(actionResponse(message, started.job));
    },
  );
}
