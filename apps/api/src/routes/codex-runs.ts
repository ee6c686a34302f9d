import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { JobRun } from '@tasksgodzilla/core';
import type { FastifyRequest } from 'fastify';
import { apiContract } from '@tasksgodzilla/api-contract';
import type { RouteApi, ApiDeps } from '../api.types.js';
import { routeSchema } from '../http/route-schema.js';
import { HttpError } from '../http/http-errors.js';
import { sendPage } from '../http/pagination.js';
import { jobInScope, requestScope, scopeFilter } from '../http/scope.js';
import { createRunLog, openRunLog } from '../http/runs-folder.js';
import { codexRunOut } from '../presenters.js';

function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The original's "Codex Runs" page (reference §1.4), every value escaped. */
export function renderRunsPage(runs: JobRun[]): string {
  const cell = (value: string | null) => (value ? escapeHtml(value) : '-');
  const rows = runs.length
    ? runs
        .map((run) => {
          const logs = run.log_path ? `<a href="/codex/runs/${encodeURIComponent(run.run_id)}/logs">logs</a>` : '-';
          return `<tr><td>${escapeHtml(run.run_id)}</td><td>${escapeHtml(run.job_type)}</td><td><span class="pill status-${escapeHtml(run.status.toLowerCase())}">${escapeHtml(run.status)}</span></td><td>${cell(run.prompt_version)}</td><td>${escapeHtml(run.created_at)}</td><td>${cell(run.started_at)}</td><td>${cell(run.finished_at)}</td><td>${logs}</td></tr>`;
        })
        .join('\n')
    : '<tr><td colspan="8">No runs yet</td></tr>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Codex Runs</title>
<style>body{font-family:system-ui,sans-serif;background:#0c111b;color:#e5e7eb;margin:2rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #1f2937;padding:.4rem .6rem;text-align:left}a{color:#60a5fa}.pill{border-radius:999px;padding:.1rem .6rem;background:#374151}.status-running{background:#1d4ed8}.status-succeeded{background:#047857}.status-failed{background:#b91c1c}.status-cancelled{background:#a16207}.status-queued{background:#4b5563}</style>
</head><body><h1>Codex Runs</h1><p>Showing up to ${runs.length} run(s).</p>
<table><thead><tr><th>Run ID</th><th>Job Type</th><th>Status</th><th>Prompt Version</th><th>Created</th><th>Started</th><th>Finished</th><th>Logs</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
}

export type CodexRunRouteDeps = Pick<ApiDeps, 'orchestrator' | 'reads' | 'config'>;

export function registerCodexRunRoutes(app: RouteApi, { orchestrator, reads, config }: CodexRunRouteDeps): void {
  const runsDir = config.runsDir;

  const runNotFound = () => new HttpError(404, 'Run not found', 'not_found');

  /** The run, if the caller's scope covers it; else 404 as for a missing one. */
  async function findRun(request: FastifyRequest, runId: string): Promise<JobRun> {
    return jobInScope(reads, request, await reads.jobRun(runId), runNotFound);
  }

  app.get(
    '/codex/runs',
    {
      schema: routeSchema(apiContract.listCodexRuns),
    },
    async (request, reply) => {
      const { job_type, status, limit, cursor } = request.query;
      const scope = scopeFilter(await requestScope(reads, request));
      return sendPage(reply, await reads.jobRuns({ job_type, status, ...scope }, { limit, cursor }), codexRunOut);
    },
  );

  app.post(
    '/codex/runs/start',
    {
      schema: routeSchema(apiContract.startCodexRun),
    },
    async (request) => {
      const body = request.body;
      const runId = body.run_id ?? randomUUID();
      // A run of another project answers as missing; a project-token caller's new run belongs to its project.
      const existing = await reads.jobRun(runId);
      if (existing) await jobInScope(reads, request, existing, runNotFound);
      const scope = await requestScope(reads, request);
      const run = await orchestrator.startExternalRun({
        run_id: runId,
        job_type: body.job_type,
        params: body.params,
        prompt_version: body.prompt_version,
        cost_tokens: body.cost_tokens,
        cost_cents: body.cost_cents,
        project_id: scope.global || scope.projectIds.length !== 1 ? null : (scope.projectIds[0] ?? null),
        log_path: async (existing) =>
          body.log_path
            ? createRunLog(runsDir, body.log_path)
            : (existing?.log_path ?? (await createRunLog(runsDir, join(runId, 'logs.txt')))),
      });
      return codexRunOut(run);
    },
  );

  app.get(
    '/codex/runs/:run_id',
    {
      schema: routeSchema(apiContract.getCodexRun),
    },
    async (request) => {
      return codexRunOut(await findRun(request, request.params.run_id));
    },
  );

  app.get(
    '/codex/runs/:run_id/logs',
    {
      schema: routeSchema(apiContract.getCodexRunLog),
    },
    async (request, reply) => {
      const run = await findRun(request, request.params.run_id);
      if (!run.log_path) throw new HttpError(404, 'Log path not recorded', 'log_not_recorded');
      return reply.type('text/plain; charset=utf-8').send(await openRunLog(runsDir, run.log_path));
    },
  );

  app.get(
    '/console/runs',
    {
      schema: routeSchema(apiContract.consoleRuns),
    },
    async (request, reply) => {
      const page = await reads.jobRuns(scopeFilter(await requestScope(reads, request)), {
        limit: request.query.limit,
      });
      return reply.type('text/html; charset=utf-8').send(renderRunsPage(page.items));
    },
  );
}
