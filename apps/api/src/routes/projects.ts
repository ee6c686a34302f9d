import { isTerminalProtocolStatus, type Project } from '@tasksgodzilla/core';
import type { Api, RouteContext } from '../api.types.js';
import { projectAccess } from '../http/access.js';
import { HttpError } from '../http/http-errors.js';
import { sendPage } from '../http/pagination.js';
import { requestScope } from '../http/scope.js';
import { setupRunName } from '@tasksgodzilla/runtime';
import { actionResponse, eventOut, projectOut, protocolRunOut, protocolRunsOut } from '../presenters.js';
import {
  ActionResponse,
  BranchDeleteRequest,
  BranchDeleteResponse,
  BranchListResponse,
  BranchParams,
  CodeMachineImportRequest,
  CodeMachineImportResponse,
  Detail,
  OnboardingSummaryOut,
  PageQuery,
  ProjectCreate,
  ProjectOut,
  ProjectParams,
  ProtocolRunCreate,
  ProtocolRunOut,
} from '../schemas.js';

const TAGS = ['projects'];
const DELETE_SUFFIX = '/delete';
/** Events of the setup run shown by the onboarding summary (newest first). */
const ONBOARDING_EVENTS_LIMIT = 200;
/** Runs read per query when looking for a run that works on a branch. */
const RUNS_PAGE = 500;

export function registerProjectRoutes(app: Api, { runtime }: RouteContext): void {
  const { orchestrator, onboarding } = runtime.services;

  /** The project's checkout, or 409: a GET never clones (the original could, defect 24). */
  async function repoPath(project: Project): Promise<string> {
    const locator = {
      projectId: project.id,
      gitUrl: project.git_url,
      projectName: project.name,
      localPath: project.local_path,
    };
    const path = await runtime.git.resolveRepoPath(locator);
    if (!path)
      throw new HttpError(
        409,
        `Repository not present locally at ${project.local_path ?? runtime.git.repoPathFor(locator)}`,
        'repository_missing',
      );
    return path;
  }

  /** 409 for the project's base branch and for the branch of a run that is not finished. */
  async function assertBranchDeletable(project: Project, branch: string): Promise<void> {
    if (branch === project.base_branch)
      throw new HttpError(409, `Branch ${branch} is the project's base branch; it cannot be deleted`, 'branch_is_base');
    let cursor: string | null = null;
    do {
      const page = await runtime.storage.protocolRuns.list({ project_id: project.id }, { limit: RUNS_PAGE, cursor });
      const active = page.items.find(
        (run) => !isTerminalProtocolStatus(run.status) && (run.branch_name ?? run.protocol_name) === branch,
      );
      if (active)
        throw new HttpError(
          409,
          `Branch ${branch} belongs to protocol run ${active.id} (${active.status}); cancel or finish the run first`,
          'branch_in_use',
        );
      cursor = page.next_cursor;
    } while (cursor);
  }

  app.post(
    '/projects',
    {
      schema: {
        tags: TAGS,
        summary: 'Create a project and enqueue its onboarding',
        body: ProjectCreate,
        response: { 200: ProjectOut, 422: Detail },
      },
    },
    async (request) => {
      const created = await orchestrator.createProject(request.body, { requestId: request.id });
      return projectOut(created.project);
    },
  );

  app.get(
    '/projects',
    {
      schema: {
        tags: TAGS,
        summary: 'List projects, newest first',
        querystring: PageQuery,
        response: { 200: ProjectOut.array() },
      },
    },
    async (request, reply) => {
      const scope = await requestScope(runtime, request);
      const page = await runtime.storage.projects.list(
        { limit: request.query.limit, cursor: request.query.cursor },
        scope.global ? {} : { ids: scope.projectIds },
      );
      return sendPage(reply, page, projectOut);
    },
  );

  app.get(
    '/projects/:project_id',
    {
      schema: {
        tags: TAGS,
        summary: 'Get a project',
        params: ProjectParams,
        response: { 200: ProjectOut, 404: Detail },
      },
    },
    async (request) => {
      return projectOut(await projectAccess(runtime, request, request.params.project_id));
    },
  );

  app.get(
    '/projects/:project_id/branches',
    {
      schema: {
        tags: TAGS,
        summary: "List the branches of the project's origin",
        params: ProjectParams,
        response: { 200: BranchListResponse, 409: Detail },
      },
    },
    async (request) => {
      const project = await projectAccess(runtime, request, request.params.project_id);
      const branches = await runtime.git.listRemoteBranches(await repoPath(project));
      await runtime.telemetry.recordEvent({
        project_id: project.id,
        protocol_run_id: null,
        event_type: 'branches_listed',
        message: 'Listed remote branches.',
        metadata: { project_id: project.id, branches },
        request_id: request.id,
      });
      return { branches };
    },
  );

  app.post(
    '/projects/:project_id/branches/*',
    {
      schema: {
        tags: TAGS,
        summary:
          'Delete a branch on origin: POST /projects/{project_id}/branches/{branch}/delete with {"confirm": true}',
        params: BranchParams,
        body: BranchDeleteRequest,
        response: { 200: BranchDeleteResponse, 400: Detail, 404: Detail, 409: Detail },
      },
    },
    async (request) => {
      const rest = request.params['*'];
      if (!rest.endsWith(DELETE_SUFFIX) || rest.length === DELETE_SUFFIX.length)
        throw new HttpError(404, 'Not Found', 'not_found');
      const branch = rest.slice(0, -DELETE_SUFFIX.length);
      const project = await projectAccess(runtime, request, request.params.project_id);
      if (request.body.confirm !== true)
        throw new HttpError(400, 'confirm=true required to delete a remote branch', 'confirm_required');
      await assertBranchDeletable(project, branch);
      const path = await repoPath(project);
      if (!(await runtime.git.remoteBranchExists(path, branch)))
        throw new HttpError(404, `Remote branch ${branch} not found`, 'branch_not_found');
      try {
        await runtime.git.deleteRemoteBranch(path, branch);
      } catch (error) {
        await runtime.telemetry.recordEvent({
          project_id: project.id,
          protocol_run_id: null,
          event_type: 'branch_delete_failed',
          message: `Failed to delete remote branch ${branch}: ${error instanceof Error ? error.message : String(error)}`,
          metadata: { project_id: project.id, branch },
          request_id: request.id,
        });
        // The remote refused (a protected branch, origin's HEAD, …): a conflict with its state, not our fault.
        throw new HttpError(409, `Failed to delete remote branch ${branch}`, 'branch_delete_failed');
      }
      await runtime.telemetry.recordEvent({
        project_id: project.id,
        protocol_run_id: null,
        event_type: 'branch_deleted',
        message: `Deleted remote branch ${branch}.`,
        metadata: { project_id: project.id, branch },
        request_id: request.id,
      });
      return { deleted: true, branch };
    },
  );

  app.post(
    '/projects/:project_id/protocols',
    {
      schema: {
        tags: TAGS,
        summary: 'Create a protocol run (pending); optionally from a template folder and with auto_advance',
        params: ProjectParams,
        body: ProtocolRunCreate,
        response: { 200: ProtocolRunOut, 404: Detail, 409: Detail, 422: Detail },
      },
    },
    async (request) => {
      const project = await projectAccess(runtime, request, request.params.project_id);
      const body = request.body;
      const run = await orchestrator.createProtocolRun(
        project.id,
        {
          protocol_name: body.protocol_name,
          base_branch: body.base_branch,
          description: body.description,
          template_config: body.template_config,
          template_source: body.template_source,
          template: body.template,
          engine_id: body.engine_id,
          auto_advance: body.auto_advance,
        },
        { requestId: request.id },
      );
      return protocolRunOut(runtime, run);
    },
  );

  app.get(
    '/projects/:project_id/protocols',
    {
      schema: {
        tags: TAGS,
        summary: "List a project's protocol runs, newest first",
        params: ProjectParams,
        querystring: PageQuery,
        response: { 200: ProtocolRunOut.array() },
      },
    },
    async (request, reply) => {
      const project = await projectAccess(runtime, request, request.params.project_id);
      const page = await runtime.storage.protocolRuns.list(
        { project_id: project.id },
        { limit: request.query.limit, cursor: request.query.cursor },
      );
      const items = await protocolRunsOut(runtime, page.items);
      return sendPage(reply, { items, next_cursor: page.next_cursor }, (item) => item);
    },
  );

  app.post(
    '/projects/:project_id/codemachine/import',
    {
      schema: {
        tags: TAGS,
        summary: 'Import a CodeMachine workspace as a protocol run (now, or in a job with enqueue=true)',
        params: ProjectParams,
        body: CodeMachineImportRequest,
        response: { 200: CodeMachineImportResponse, 404: Detail, 409: Detail, 422: Detail },
      },
    },
    async (request) => {
      const project = await projectAccess(runtime, request, request.params.project_id);
      const body = request.body;
      const result = await orchestrator.importCodeMachine(
        project.id,
        {
          protocol_name: body.protocol_name,
          workspace_path: body.workspace_path,
          base_branch: body.base_branch,
          description: body.description,
          enqueue: body.enqueue,
          auto_advance: body.auto_advance,
        },
        { requestId: request.id },
      );
      const message = body.enqueue
        ? 'Enqueued CodeMachine import job.'
        : result.run.status === 'blocked'
          ? 'CodeMachine spec validation failed; protocol blocked.'
          : 'Imported CodeMachine workspace.';
      return {
        protocol_run: await protocolRunOut(runtime, result.run),
        message,
        job: actionResponse(message, result.job).job,
      };
    },
  );

  app.get(
    '/projects/:project_id/onboarding',
    {
      schema: {
        tags: TAGS,
        summary: "The project's onboarding stages and events",
        params: ProjectParams,
        response: { 200: OnboardingSummaryOut, 404: Detail },
      },
    },
    async (request) => {
      const project = await projectAccess(runtime, request, request.params.project_id);
      const run = await runtime.storage.protocolRuns.findByName(project.id, setupRunName(project.id));
      const events = run
        ? (await runtime.storage.events.list({ protocol_run_id: run.id }, { limit: ONBOARDING_EVENTS_LIMIT })).items
        : [];
      const summary = onboarding.summarize(project, run, events);
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
      schema: {
        tags: TAGS,
        summary: 'Start (or restart) onboarding',
        params: ProjectParams,
        response: { 200: ActionResponse, 404: Detail, 409: Detail },
      },
    },
    async (request) => {
      const project = await projectAccess(runtime, request, request.params.project_id);
      const result = await orchestrator.startOnboarding(project.id, { requestId: request.id });
      return actionResponse('Project setup enqueued', result.job);
    },
  );
}
