import { apiContract } from '@tasksgodzilla/api-contract';
import type { RouteApi, ApiDeps } from '../api.types.js';
import { routeSchema } from '../http/route-schema.js';
import { projectAccess, runAccess } from '../http/access.js';
import { requestScope } from '../http/scope.js';
import { actionResponse } from '../presenters.js';

export type SpecRouteDeps = Pick<ApiDeps, 'orchestrator' | 'reads'>;

export function registerSpecRoutes(app: RouteApi, { orchestrator, reads }: SpecRouteDeps): void {
  app.post(
    '/specs/audit',
    {
      schema: routeSchema(apiContract.auditSpecs),
    },
    async (request) => {
      const { project_id, protocol_id, backfill } = request.body;
      // The project token guards the project named directly or through its run (the original skipped the latter).
      if (project_id) await projectAccess(reads, request, project_id);
      if (protocol_id) await runAccess(reads, request, protocol_id);
      const scope = await requestScope(reads, request);
      if (!project_id && !protocol_id && !scope.global) {
        // "Every project" for a project-token caller is its own project(s): one audit job each.
        let last = null;
        for (const id of scope.projectIds) {
          last = (
            await orchestrator.auditSpecs(
              { project_id: id, protocol_id: null, backfill_missing: backfill },
              { requestId: request.id },
            )
          ).job;
        }
        return actionResponse('Spec audit enqueued.', last);
      }
      const { job } = await orchestrator.auditSpecs(
        { project_id: project_id ?? null, protocol_id: protocol_id ?? null, backfill_missing: backfill },
        { requestId: request.id },
      );
      return actionResponse('Spec audit enqueued.', job);
    },
  );
}
