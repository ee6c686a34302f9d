import { apiContract } from '@tasksgodzilla/api-contract';
import type { RouteApi, ApiDeps } from '../api.types.js';
import { projectAccess } from '../http/access.js';
import { routeSchema } from '../http/route-schema.js';
import { jobOut, presentRun } from '../presenters.js';

export type IssueRouteDeps = Pick<ApiDeps, 'orchestrator' | 'reads'>;

/** Issues in: a run opened from a forge issue by hand, and each project's issue settings. */
export function registerIssueRoutes(app: RouteApi, { orchestrator, reads }: IssueRouteDeps): void {
  app.post(
    '/projects/:project_id/protocols/from-issue',
    { schema: routeSchema(apiContract.createProtocolFromIssue) },
    async (request) => {
      const project = await projectAccess(reads, request, request.params.project_id);
      const result = await orchestrator.createRunFromIssue(
        project.id,
        { issue: request.body.issue },
        { requestId: request.id },
      );
      return {
        message: result.created ? 'Protocol created from the issue' : 'The issue has its protocol already',
        created: result.created,
        protocol_run: await presentRun(reads, result.run),
        job: result.job ? jobOut(result.job) : null,
      };
    },
  );

  app.get(
    '/projects/:project_id/issue-settings',
    { schema: routeSchema(apiContract.getIssueSettings) },
    async (request) => {
      const project = await projectAccess(reads, request, request.params.project_id);
      return orchestrator.getIssueSettings(project.id);
    },
  );

  app.put(
    '/projects/:project_id/issue-settings',
    { schema: routeSchema(apiContract.updateIssueSettings) },
    async (request) => {
      const project = await projectAccess(reads, request, request.params.project_id);
      return orchestrator.putIssueSettings(project.id, request.body);
    },
  );
}
