import { apiContract } from '@tasksgodzilla/api-contract';
import type { RouteApi, ApiDeps } from '../api.types.js';
import { routeSchema } from '../http/route-schema.js';
import { stepAccess } from '../http/access.js';
import { HttpError } from '../http/http-errors.js';
import { openRunLog } from '../http/runs-folder.js';
import { actionResponse } from '../presenters.js';

const TEXT = 'text/plain; charset=utf-8';

export type StepRouteDeps = Pick<ApiDeps, 'orchestrator' | 'reads' | 'git' | 'config'>;

export function registerStepRoutes(app: RouteApi, { orchestrator, reads, git, config }: StepRouteDeps): void {
  app.get('/steps/:step_id', { schema: routeSchema(apiContract.getStep) }, async (request) => {
    return (await stepAccess(reads, request, request.params.step_id)).step;
  });

  app.get(
    '/steps/:step_id/log',
    {
      schema: routeSchema(apiContract.getStepLog),
    },
    async (request, reply) => {
      const { step } = await stepAccess(reads, request, request.params.step_id);
      const logPath = await reads.stepLogPath(step.id);
      if (!logPath) throw new HttpError(404, 'Log path not recorded', 'log_not_recorded');
      return reply.type(TEXT).send(await openRunLog(config.runsDir, logPath));
    },
  );

  app.get(
    '/steps/:step_id/diff',
    {
      schema: routeSchema(apiContract.getStepDiff),
    },
    async (request, reply) => {
      const { step, project } = await stepAccess(reads, request, request.params.step_id);
      const sha = await reads.stepCommitSha(step.id);
      if (!sha) throw new HttpError(404, 'No commit recorded for this step', 'commit_not_recorded');
      const repo = await git.resolveRepoPath({
        projectId: project.id,
        gitUrl: project.git_url,
        projectName: project.name,
        localPath: project.local_path,
      });
      if (!repo) throw new HttpError(409, 'Repository not present locally', 'repository_missing');
      return reply.type(TEXT).send(await git.showCommit(repo, sha));
    },
  );

  app.post('/steps/:step_id/actions/run', { schema: routeSchema(apiContract.runStep) }, async (request) => {
    const { step } = await stepAccess(reads, request, request.params.step_id);
    const result = await orchestrator.runStep(step.id, { requestId: request.id });
    return actionResponse('Step execution enqueued', result.job);
  });

  app.post('/steps/:step_id/actions/run_qa', { schema: routeSchema(apiContract.runStepQa) }, async (request) => {
    const { step } = await stepAccess(reads, request, request.params.step_id);
    const result = await orchestrator.runStepQa(step.id, { requestId: request.id });
    return actionResponse('QA enqueued', result.job);
  });

  app.post(
    '/steps/:step_id/actions/approve',
    {
      schema: routeSchema(apiContract.approveStep),
    },
    async (request) => {
      const { step } = await stepAccess(reads, request, request.params.step_id);
      return (await orchestrator.approveStep(step.id, { requestId: request.id })).step;
    },
  );

  app.post('/steps/:step_id/answer', { schema: routeSchema(apiContract.answerStep) }, async (request) => {
    const { step } = await stepAccess(reads, request, request.params.step_id);
    const result = await orchestrator.answerStep(step.id, request.body.answer, { requestId: request.id });
    return actionResponse(result.job ? 'Answer recorded; step re-queued' : 'Answer recorded; step pending', result.job);
  });
}
