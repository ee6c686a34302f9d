import { flattenQueueStats } from '@tasksgodzilla/platform-queue';
import { NotFoundError, type JobStatus } from '@tasksgodzilla/core';
import { apiContract } from '@tasksgodzilla/api-contract';
import type { RouteApi, ApiDeps } from '../api.types.js';
import { routeSchema } from '../http/route-schema.js';
import { HttpError } from '../http/http-errors.js';
import { sendPage } from '../http/pagination.js';
import { jobInScope, requestScope, scopeFilter } from '../http/scope.js';
import { actionResponse, jobOut } from '../presenters.js';

/** The original's RQ registry names for the ledger's statuses. */
const STATUS_ALIASES: Record<string, JobStatus> = { started: 'running', finished: 'succeeded' };

export type QueueRouteDeps = Pick<ApiDeps, 'orchestrator' | 'reads' | 'queue'>;

export function registerQueueRoutes(app: RouteApi, { orchestrator, reads, queue }: QueueRouteDeps): void {
  /** The job, if the caller's scope covers it; else the queue's own 404. */
  async function scopedJob(request: Parameters<typeof requestScope>[1], jobId: string) {
    const notFound = () =>
      new NotFoundError(`Job ${jobId} not found`, { code: 'job_not_found', details: { run_id: jobId } });
    await jobInScope(reads, request, await reads.jobRun(jobId), notFound);
    return queue.get(jobId);
  }

  app.get(
    '/queues',
    {
      schema: routeSchema(apiContract.queueStats),
    },
    async (request) => {
      const scope = scopeFilter(await requestScope(reads, request));
      return flattenQueueStats(await queue.stats(scope));
    },
  );

  app.get(
    '/queues/jobs',
    {
      schema: routeSchema(apiContract.listQueueJobs),
    },
    async (request, reply) => {
      const { status, job_type, limit, cursor } = request.query;
      const scope = scopeFilter(await requestScope(reads, request));
      const page = await queue.list({
        status: status ? (STATUS_ALIASES[status] ?? (status as JobStatus)) : undefined,
        job_type,
        limit,
        cursor,
        ...scope,
      });
      return sendPage(reply, page, jobOut);
    },
  );

  app.post(
    '/queues/jobs/:job_id/retry',
    {
      schema: routeSchema(apiContract.retryJob),
    },
    async (request) => {
      const current = await scopedJob(request, request.params.job_id);
      if (current.status !== 'failed' && current.status !== 'cancelled') {
        throw new HttpError(
          409,
          `Job is ${current.status}; only failed or cancelled jobs can be retried`,
          'job_status_conflict',
        );
      }
      return actionResponse('Job re-enqueued', await queue.retry(current.run_id));
    },
  );

  app.post(
    '/queues/jobs/:job_id/cancel',
    {
      schema: routeSchema(apiContract.cancelJob),
    },
    async (request) => {
      await scopedJob(request, request.params.job_id);
      const job = await queue.cancel(request.params.job_id, `cancelled through the api (request ${request.id})`);
      // A queued job never reaches a worker: its step (or planning run) is moved on here. A running one is reported by its worker.
      // Its events carry the job's own request id; the lines logged meanwhile carry this request's.
      if (job.status === 'cancelled') await orchestrator.onJobEnded(job, { requestId: request.id });
      return actionResponse(job.status === 'cancelled' ? 'Job cancelled' : 'Cancellation requested', job);
    },
  );
}
