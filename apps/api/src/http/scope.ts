import type { FastifyRequest } from 'fastify';
import type { JobRun } from '@tasksgodzilla/core';
import type { AccessReads } from '../api.types.js';
import { projectTokenOf, presentedProjectToken, safeEqual } from './auth.js';
import { HttpError } from './http-errors.js';

/**
 * What a request may see and act on. Without `X-Project-Token` the caller is global (the bearer token,
 * when configured, already let it in): every row, as before. With a project token the caller is scoped
 * to the projects holding that token: lists keep only their rows, and a row of any other project is
 * answered as missing (404), so ids of other projects cannot be probed.
 */
export type RequestScope = { global: true } | { global: false; projectIds: readonly number[] };

/** Projects read per query while looking a token up. */
const PAGE = 500;
const scopes = new WeakMap<FastifyRequest, Promise<RequestScope>>();

async function resolveScope(reads: Pick<AccessReads, 'projects'>, token: string): Promise<RequestScope> {
  const projectIds: number[] = [];
  let cursor: string | null = null;
  do {
    const page = await reads.projects({ limit: PAGE, cursor });
    for (const project of page.items) {
      const expected = projectTokenOf(project);
      if (expected !== null && safeEqual(token, expected)) projectIds.push(project.id);
    }
    cursor = page.next_cursor;
  } while (cursor);
  // A token no project holds opens nothing: the same 401 as a wrong token on a project route.
  if (projectIds.length === 0) throw new HttpError(401, 'Project access denied', 'project_access_denied');
  return { global: false, projectIds };
}

/** The request's scope, resolved once per request. */
export function requestScope(reads: Pick<AccessReads, 'projects'>, request: FastifyRequest): Promise<RequestScope> {
  let scope = scopes.get(request);
  if (!scope) {
    const token = presentedProjectToken(request);
    scope = token === undefined ? Promise.resolve({ global: true }) : resolveScope(reads, token);
    scopes.set(request, scope);
  }
  return scope;
}

export function inScope(scope: RequestScope, projectId: number | null): boolean {
  return scope.global || (projectId !== null && scope.projectIds.includes(projectId));
}

/** The `project_ids` filter of a scoped list (nothing for a global caller). */
export function scopeFilter(scope: RequestScope): { project_ids?: readonly number[] } {
  return scope.global ? {} : { project_ids: scope.projectIds };
}

/** A ledger row the caller may see, else the same 404 as a missing one. */
export async function jobInScope<T extends Pick<JobRun, 'project_id'>>(
  reads: Pick<AccessReads, 'projects'>,
  request: FastifyRequest,
  job: T | null,
  notFound: () => Error,
): Promise<T> {
  if (!job || !inScope(await requestScope(reads, request), job.project_id)) throw notFound();
  return job;
}
