import type { Api, RouteContext } from '../api.types.js';
import { stepAccess } from '../http/access.js';
import { HttpError } from '../http/http-errors.js';
import { openRunLog } from '../http/runs-folder.js';
import { actionResponse } from '../presenters.js';
import { ActionResponse, Detail, StepParams, StepRunOut } from '../schemas.js';

const TAGS = ['steps'];
const TEXT = 'text/plain; charset=utf-8';
/** Ledger rows of a step looked at for its newest log. */
const LOG_LOOKUP_LIMIT = 20;

export function registerStepRoutes(app: Api, { runtime }: RouteContext): void {
  const { orchestrator } = runtime.services;
  const params = StepParams;

  app.get(
    '/steps/:step_id',
    { schema: { tags: TAGS, summary: 'Get a step run', params, response: { 200: StepRunOut, 404: Detail } } },
    async (request) => {
      return (await stepAccess(runtime, request, request.params.step_id)).step;
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
      const { step } = await stepAccess(runtime, request, request.params.step_id);
      const jobs = await runtime.storage.jobRuns.list({ step_run_id: step.id }, { limit: LOG_LOOKUP_LIMIT });
      const logPath = jobs.items.find((job) => job.log_path)?.log_path;
      if (!logPath) throw new HttpError(404, 'Log path not recorded', 'log_not_recorded');
      return reply.type(TEXT).send(await openRunLog(runtime.config.runsDir, logPath));
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
      const { step, project } = await stepAccess(runtime, request, request.params.step_id);
      const events = await runtime.storage.events.list(
        { step_run_id: step.id, event_types: ['step_completed'] },
        { limit: LOG_LOOKUP_LIMIT },
      );
      const sha = events.items
        .map((event) => event.metadata?.['commit_sha'])
        .find((value): value is string => typeof value === 'string' && value !== '');
      if (!sha) throw new HttpError(404, 'No commit recorded for this step', 'commit_not_recorded');
      const repo = await runtime.git.resolveRepoPath({
        projectId: project.id,
        gitUrl: project.git_url,
        projectName: project.name,
        localPath: project.local_path,
      });
      if (!repo) throw new HttpError(409, 'Repository not present locally', 'repository_missing');
      return reply.type(TEXT).send(await runtime.git.showCommit(repo, sha));
    },
  );

  const actionSchema = (summary: string) => ({
    tags: TAGS,
    summary,
    params,
    response: { 200: ActionResponse, 404: Detail, 409: Detail },
  });

  app.post('/steps/:step_id/actions/run', { schema: actionSchema('Execute the step') }, async (request) => {
    const { step } = await stepAccess(runtime, request, request.params.step_id);
    const result = await orchestrator.runStep(step.id, { requestId: request.id });
    return actionResponse('Step execution enqueued', result.job);
  });

  app.post('/steps/:step_id/actions/run_qa', { schema: actionSchema('Run QA on the step') }, async (request) => {
    const { step } = await stepAccess(runtime, request, request.params.step_id);
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
      const { step } = await stepAccess(runtime, request, request.params.step_id);
      return (await orchestrator.approveStep(step.id, { requestId: request.id })).step;
    },
  );
}
