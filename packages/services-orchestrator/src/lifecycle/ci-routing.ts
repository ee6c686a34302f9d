import { NotFoundError, type Project, type ProtocolRun } from '@tasksgodzilla/core';
import { parseRemoteUrl } from '@tasksgodzilla/platform-git';
import type { StorageTx } from '@tasksgodzilla/platform-storage';
import type { CiRepositoryRef, CiStatusInput } from '../orchestrator.types.js';
import { getRun, isTerminalRun } from './run-state.js';

const PAGE = 200;

/** A repository reduced to what identifies it: lowercased host (null when unknown) and `owner/name` path. */
export interface RepositoryKey {
  host: string | null;
  path: string;
}

/**
 * A clone URL (https, ssh, git, scp-like; platform-git's `parseRemoteUrl`) or a bare `owner/name`
 * full name, compared lowercased without credentials, port or `.git`. A local path, a `file:` URL or a
 * name without an owner gives null (nothing a forge names).
 */
export function repositoryKey(value: string | null | undefined): RepositoryKey | null {
  const raw = (value ?? '').trim();
  if (raw === '' || raw.startsWith('/') || raw.startsWith('.') || raw.startsWith('~') || /^file:/i.test(raw))
    return null;
  const location = parseRemoteUrl(raw);
  if (location) return { host: location.host, path: location.fullPath.toLowerCase() };
  if (/^[a-z][a-z0-9+.-]*:/i.test(raw)) return null;
  const path = raw
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/i, '')
    .toLowerCase();
  return path.includes('/') && !path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')
    ? { host: null, path }
    : null;
}

/** The keys a webhook names its repository by (full name and every clone/web URL it carries). */
export function repositoryKeys(ref: CiRepositoryRef | null | undefined): RepositoryKey[] {
  if (!ref) return [];
  const values = [ref.full_name, ...(ref.urls ?? [])];
  return values.map(repositoryKey).filter((key): key is RepositoryKey => key !== null);
}

function sameRepository(project: RepositoryKey, named: RepositoryKey): boolean {
  return project.path === named.path && (project.host === null || named.host === null || project.host === named.host);
}

/** Projects whose `git_url` is the repository the webhook names (the same repository can back several projects). */
export async function projectsForRepository(tx: StorageTx, ref: CiRepositoryRef): Promise<Project[]> {
  const named = repositoryKeys(ref);
  if (named.length === 0) return [];
  const found: Project[] = [];
  let cursor: string | null = null;
  do {
    const page = await tx.projects.list({ limit: PAGE, cursor });
    for (const project of page.items) {
      const key = repositoryKey(project.git_url);
      if (key && named.some((candidate) => sameRepository(key, candidate))) found.push(project);
    }
    cursor = page.next_cursor;
  } while (cursor);
  return found;
}

function stripRef(branch: string): string {
  return branch.trim().replace(/^refs\/(heads|tags)\//, '');
}

function onBranch(run: ProtocolRun, ref: string): boolean {
  if (run.branch_name) return run.branch_name === ref;
  return run.protocol_name === ref || run.protocol_name === (ref.split('/').pop() ?? ref);
}

/**
 * The run a branch names in these projects (all projects when `projectIds` is null): the newest
 * non-terminal run on the branch; when every run on it has ended, the newest one (it only gets the
 * event); null when none.
 */
async function runOnBranch(tx: StorageTx, ref: string, projectIds: number[] | null): Promise<ProtocolRun | null> {
  let ended: ProtocolRun | null = null;
  for (const projectId of projectIds ?? [null]) {
    let cursor: string | null = null;
    do {
      const page = await tx.protocolRuns.list(projectId === null ? {} : { project_id: projectId }, {
        limit: PAGE,
        cursor,
      });
      for (const run of page.items) {
        if (!onBranch(run, ref)) continue;
        if (!isTerminalRun(run)) return run;
        if (!ended || run.id > ended.id) ended = run;
      }
      cursor = page.next_cursor;
    } while (cursor);
  }
  return ended;
}

/**
 * Which run a CI report is about. An explicit `protocol_run_id` wins. Otherwise the repository the
 * webhook names (full name, clone URLs, GitLab project path) picks the project(s), and the branch
 * picks that project's non-terminal run; `project_id` narrows to one project. Without any repository
 * information the branch is looked up in every project, still preferring a run that has not ended.
 */
export async function routeCiReport(
  tx: StorageTx,
  input: Pick<CiStatusInput, 'protocol_run_id' | 'branch' | 'repository' | 'project_id'>,
): Promise<ProtocolRun> {
  if (input.protocol_run_id) return getRun(tx, input.protocol_run_id);
  const ref = stripRef(input.branch ?? '');
  const details = { branch: ref, repository: input.repository?.full_name ?? null };
  const notFound = () =>
    new NotFoundError('Protocol run not found for webhook', { code: 'webhook_run_not_found', details });
  if (ref === '') throw notFound();
  let projectIds: number[] | null = input.project_id ? [input.project_id] : null;
  if (input.repository && repositoryKeys(input.repository).length > 0) {
    const matched = (await projectsForRepository(tx, input.repository)).map((project) => project.id);
    projectIds = projectIds ? projectIds.filter((id) => matched.includes(id)) : matched;
    if (projectIds.length === 0) throw notFound();
  }
  const run = await runOnBranch(tx, ref, projectIds);
  if (!run) throw notFound();
  return run;
}
