import type { Api, ApiDeps } from '../api.types.js';
import { stepAccess } from '../http/access.js';
import { HttpError } from '../http/http-errors.js';
import { openRunLog } from '../http/runs-folder.js';
import { actionResponse } from '../presenters.js';
import { ActionResponse, Detail, StepParams, StepRunOut } from '../schemas.js';

const TAGS = ['steps'];
const TEXT = 'text/plain; charset=utf-8';

export type StepRouteDeps = Pick<ApiDeps, 'orchestrator' | 'reads' | 'git' | 'config'>;

export function registerStepRoutes(app: Api, { orchestrator, reads, git, config }: StepRouteDeps): void {
  const params = StepParams;

  app.get(
    '/steps/:step_id',
    { schema: { tags: TAGS, summary: 'Get a step run', params, response: { 200: StepRunOut, 404: Detail } } },
    async (request) => {
      return (await stepAccess(reads, request, request.params.step_id)).step;
    },
  );

  app.get(
    '/steps/:step_id/log',
    {
      schema: {
        tags: TAGS,
        summary: "The log of the step's newest job (execution or QA), as text",
        params,
        produces: ['text/plain'],
      },
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
      schema: {
        tags: TAGS,
        summary: "The patch of the step's newest commit, as text",
        params,
        produces: ['text/plain'],
      },
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

  const actionSchema = (summary: string) => ({
    tags: TAGS,
    summary,
    params,
    response: { 200: ActionResponse, 404: Detail, 409: Detail },
  });

  app.post('/steps/:step_id/actions/run', { schema: actionSchema('Execute the step') }, async (request) => {
    const { step } = await stepAccess(reads, request, request.params.step_id);
    const result = await orchestrator.runStep(step.id, { requestId: request.id });
    return actionResponse('Step execution enqueued', result.job);
  });

  app.post('/steps/:step_id/actions/run_qa', { schema: actionSchema('Run QA on the step') }, async (request) => {
    const { step } = await stepAccess(reads, request, request.params.step_id);
    const result = await orchestrator.runStepQa(step.id, { requestId: request.id });
    return actionResponse('QA enqueued', result.job);
  });

  app.post(
    '/steps/:step_id/actions/approve',
    {
      schema: {
        tags: TAGS,
        summary: 'Mark the step completed by hand',
        params,
        response: { 200: StepRunOut, 404: Detail, 409: Detail },
      },
    },
    async (request) => {
      const { step } = await stepAccess(reads, request, request.params.step_id);
      return (await orchestrator.approveStep(step.id, { requestId: request.id })).step;
    },
  );
}
