import {
  ConflictError,
  DEFAULT_ISSUE_LABEL,
  GitError,
  NotFoundError,
  ValidationError,
  type CiProvider,
  type JsonObject,
  type Project,
  type ProjectIssueSettings,
} from '@tasksgodzilla/core';
import { inferForgeProvider, parseRemoteUrl } from '@tasksgodzilla/platform-git';
import type { Repositories, StorageTx } from '@tasksgodzilla/platform-storage';
import type { OrchestratorContext, Trace } from '../orchestrator.context.js';
import type { CallOptions } from '../orchestrator.types.js';
import { projectsForRepository, repositoryKey } from '../lifecycle/ci-routing.js';
import { assertProtocolName } from '../lifecycle/input-validation.js';
import { enqueuePlanning, TEMPLATE_DIR_KEY } from '../lifecycle/protocols.js';
import { getProject, getRun } from '../lifecycle/run-state.js';
import { issueWantsRun } from '../webhooks/issue-webhook.js';
import type {
  IssueDeliveryInput,
  IssueDeliveryResult,
  IssueFacts,
  IssueRunResult,
  IssueSettingsInput,
  RunFromIssueInput,
} from './issue.types.js';

/** The project secret holding the token used for the project's forge issues (else GITHUB_TOKEN / GITLAB_TOKEN). */
export const FORGE_TOKEN_SECRET = 'forge_token';

const MAX_NAME = 100;
/** Longest title slug kept in a run name (the branch stays readable). */
const MAX_SLUG = 50;
/** Names tried when `issue-N-slug` is taken by a run that is not this issue's: `-2` … `-20`. */
const MAX_SUFFIX = 20;

/**
 * `issue-<number>-<slug of the title>`: lowercase ASCII letters and digits joined by `-` (accents
 * folded, everything else a separator), at most 50 characters of slug, so the name is a valid protocol
 * name and branch (one path segment of letters, digits and `-`); `issue-<number>` when nothing is left.
 */
export function issueRunName(number: number, title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const prefix = `issue-${number}`;
  const room = Math.min(MAX_SLUG, MAX_NAME - prefix.length - 1 - `-${MAX_SUFFIX}`.length);
  const cut = slug.slice(0, room).replace(/-+$/, '');
  return cut ? `${prefix}-${cut}` : prefix;
}

/** A project's issue settings: its stored row, else the defaults (label `tasksgodzilla`, nothing automatic). */
async function settingsOf(
  repos: Pick<Repositories, 'projectIssueSettings'>,
  projectId: number,
): Promise<ProjectIssueSettings> {
  return (
    (await repos.projectIssueSettings.find(projectId)) ?? {
      project_id: projectId,
      label: DEFAULT_ISSUE_LABEL,
      auto_start: false,
      auto_advance: false,
      template: null,
      updated_at: null,
    }
  );
}

export async function getIssueSettings(ctx: OrchestratorContext, projectId: number): Promise<ProjectIssueSettings> {
  await getProject(ctx.deps.storage, projectId);
  return settingsOf(ctx.deps.storage, projectId);
}

function settingsIssues(input: IssueSettingsInput): ValidationError | null {
  const issues: { path: string[]; message: string }[] = [];
  if (
    input.label !== undefined &&
    (typeof input.label !== 'string' || input.label.trim() === '' || input.label.length > 255)
  )
    issues.push({ path: ['label'], message: 'must be a non-empty string of at most 255 characters' });
  for (const key of ['auto_start', 'auto_advance'] as const) {
    if (input[key] !== undefined && typeof input[key] !== 'boolean')
      issues.push({ path: [key], message: 'must be a boolean' });
  }
  if (
    input.template !== undefined &&
    input.template !== null &&
    (typeof input.template !== 'string' || input.template.trim() === '')
  )
    issues.push({ path: ['template'], message: 'must be a non-empty string or null' });
  return issues.length > 0 ? new ValidationError('Invalid issue settings', issues) : null;
}

/** Changes the keys given (read-modify-write in one transaction); the others keep their value. */
export async function putIssueSettings(
  ctx: OrchestratorContext,
  projectId: number,
  input: IssueSettingsInput,
): Promise<ProjectIssueSettings> {
  const invalid = settingsIssues(input ?? {});
  if (invalid) throw invalid;
  return ctx.deps.storage.transaction(async (tx) => {
    await getProject(tx, projectId);
    const current = await settingsOf(tx, projectId);
    return tx.projectIssueSettings.put(projectId, {
      label: input.label?.trim() ?? current.label,
      auto_start: input.auto_start ?? current.auto_start,
      auto_advance: input.auto_advance ?? current.auto_advance,
      template: input.template === undefined ? current.template : (input.template?.trim() ?? null),
    });
  });
}

/** A free run name for the issue in the project: `issue-N-slug`, else with `-2`, `-3`, … */
async function freeRunName(tx: StorageTx, projectId: number, issue: IssueFacts): Promise<string> {
  const base = assertProtocolName(issueRunName(issue.number, issue.title));
  for (let n = 1; n <= MAX_SUFFIX; n += 1) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!(await tx.protocolRuns.findByName(projectId, candidate))) return candidate;
  }
  throw new ConflictError(`Every run name for issue #${issue.number} is taken (${base}…-${MAX_SUFFIX})`, {
    code: 'issue_run_name_taken',
    details: { protocol_name: base },
  });
}

/**
 * The issue's run in the project: the one linked before (created false), else a new `pending` run
 * named after the issue, linked to it (`issue_run_created`), and planned at once when the project's
 * `auto_start` says so. A race with another delivery of the same issue ends with the first one's run.
 */
async function openIssueRun(
  ctx: OrchestratorContext,
  project: Project,
  issue: IssueFacts,
  settings: ProjectIssueSettings,
  deliveryId: string | null,
  trace: Trace,
): Promise<IssueRunResult> {
  const key = {
    project_id: project.id,
    provider: issue.provider,
    repository: issue.repository,
    issue_number: issue.number,
  };
  const existing = async (repos: Pick<Repositories, 'issueLinks' | 'protocolRuns'>) => {
    const link = await repos.issueLinks.findByIssue(key);
    return link ? { run: await getRun(repos, link.protocol_run_id), created: false, job: null } : null;
  };
  try {
    return await ctx.deps.storage.transaction(async (tx) => {
      const found = await existing(tx);
      if (found) return found;
      const templateConfig: JsonObject | null = settings.template ? { [TEMPLATE_DIR_KEY]: settings.template } : null;
      const created = await tx.protocolRuns.create({
        project_id: project.id,
        protocol_name: await freeRunName(tx, project.id, issue),
        status: 'pending',
        base_branch: project.base_branch,
        description: issue.body.trim() || issue.title.trim() || null,
        template_config: templateConfig,
        template_source: null,
        auto_advance: settings.auto_advance,
      });
      const linked = await tx.issueLinks.link({ ...key, protocol_run_id: created.id, issue_url: issue.url });
      if (!linked.created) throw new ConflictError('Issue linked meanwhile', { code: 'issue_already_linked' });
      await ctx.record(
        tx,
        {
          type: 'issue_run_created',
          message: `Protocol opened from ${issue.provider === 'github' ? 'GitHub' : 'GitLab'} issue ${issue.repository}#${issue.number}.`,
          run: created,
          metadata: {
            provider: issue.provider,
            repository: issue.repository,
            issue_number: issue.number,
            issue_url: issue.url,
            delivery_id: deliveryId,
            started: settings.auto_start,
          },
        },
        trace,
      );
      if (!settings.auto_start) return { run: created, created: true, job: null };
      const planning = await tx.protocolRuns.transition(created.id, { from: 'pending', to: 'planning' });
      const job = await enqueuePlanning(ctx, tx, planning, trace, false);
      return { run: planning, created: true, job };
    });
  } catch (error) {
    // Another delivery of the issue won the race (unique link, or the same run name): its run is the answer.
    if (error instanceof ConflictError) {
      const found = await existing(ctx.deps.storage);
      if (found) return found;
    }
    throw error;
  }
}

/**
 * A forge's issue delivery: de-duplicated by delivery id (released when processing fails). Each
 * project whose `git_url` is the delivery's repository gets the issue's run when the delivery
 * carries the project's label (see `issueWantsRun`); a project it does not concern records
 * `webhook_ignored` (project-level). A repository no project uses records nothing.
 */
export async function handleIssueDelivery(
  ctx: OrchestratorContext,
  input: IssueDeliveryInput,
  options: CallOptions = {},
): Promise<IssueDeliveryResult> {
  const { interpretation, delivery_id: deliveryId } = input;
  const { provider } = interpretation;
  const deliveries = ctx.deps.storage.webhookDeliveries;
  if (deliveryId !== null && !(await deliveries.claim(provider, deliveryId)))
    return { duplicate: true, runs: [], ignored_reason: null };
  const trace: Trace = { requestId: options.requestId };
  try {
    const ref = interpretation.repository_ref;
    const projects = ref ? await ctx.deps.storage.transaction((tx) => projectsForRepository(tx, ref)) : [];
    if (projects.length === 0) {
      return {
        duplicate: false,
        runs: [],
        ignored_reason: `no project uses the repository ${interpretation.issue?.repository ?? ref?.full_name ?? '(none)'}`,
      };
    }
    const runs: IssueRunResult[] = [];
    const reasons: string[] = [];
    for (const project of projects) {
      const settings = await settingsOf(ctx.deps.storage, project.id);
      const reason = issueWantsRun(interpretation, settings.label);
      if (reason === null && interpretation.issue) {
        runs.push(await openIssueRun(ctx, project, interpretation.issue, settings, deliveryId, trace));
        continue;
      }
      const why = reason ?? 'nothing to do';
      reasons.push(why);
      await ctx.record(
        null,
        {
          type: 'webhook_ignored',
          message: `${provider === 'github' ? 'GitHub' : 'GitLab'} webhook ${interpretation.event_type} ignored: ${why}`,
          projectId: project.id,
          metadata: {
            provider,
            event_type: interpretation.event_type,
            branch: null,
            value: interpretation.action,
            reason: why,
            delivery_id: deliveryId,
            issue_number: interpretation.issue?.number ?? null,
          },
        },
        trace,
      );
    }
    return { duplicate: false, runs, ignored_reason: runs.length > 0 ? null : (reasons[0] ?? null) };
  } catch (error) {
    if (deliveryId !== null) await deliveries.release(provider, deliveryId);
    throw error;
  }
}

/** The forge token of a project: its `forge_token` secret, else undefined (the server's token is used). */
export function projectForgeToken(project: Pick<Project, 'secrets'>): string | undefined {
  const value = project.secrets?.[FORGE_TOKEN_SECRET];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function issueInputError(message: string): ValidationError {
  return new ValidationError(message, [{ path: ['issue'], message }]);
}

/**
 * Where an issue reference points: `https://github.com/o/r/issues/7`, `https://gitlab.example/g/p/-/issues/7`,
 * or a bare number (`7`, `#7`) on the project's own repository. The repository must be the project's.
 */
export function resolveIssueRef(
  project: Pick<Project, 'git_url' | 'ci_provider'>,
  raw: string | number,
): { provider: CiProvider; repository: string; number: number } {
  const own = parseRemoteUrl(project.git_url);
  const ownProvider = project.ci_provider ?? inferForgeProvider(project.git_url);
  const text = String(raw).trim();
  const bare = /^#?(\d{1,9})$/.exec(text);
  if (bare) {
    if (!own || !ownProvider)
      throw issueInputError('The project repository is not on GitHub or GitLab: give the issue URL');
    return { provider: ownProvider, repository: own.fullPath, number: Number(bare[1]) };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw issueInputError('must be an issue URL or an issue number');
  }
  const path = url.pathname.replace(/\/+$/, '');
  const gitlab = /^\/(.+?)\/-\/issues\/(\d{1,9})$/.exec(path);
  const github = gitlab ? null : /^\/([^/]+\/[^/]+)\/issues\/(\d{1,9})$/.exec(path);
  const match = gitlab ?? github;
  if (!(url.protocol === 'https:' || url.protocol === 'http:') || !match?.[1] || !match[2])
    throw issueInputError('must be an issue URL (…/owner/repo/issues/N or …/group/project/-/issues/N) or a number');
  const repository = decodeURIComponent(match[1]);
  const key = repositoryKey(`${url.protocol}//${url.host}/${repository}`);
  const projectKey = repositoryKey(project.git_url);
  if (!key || !projectKey || key.path !== projectKey.path || (projectKey.host !== null && key.host !== projectKey.host))
    throw issueInputError(`the issue is not on the project's repository (${project.git_url})`);
  return { provider: gitlab ? 'gitlab' : 'github', repository, number: Number(match[2]) };
}

/**
 * `tgz protocols create --from-issue`: reads the issue through the forge API (the project's
 * `forge_token` secret, else the server's token) and opens its run as a webhook would, without
 * the label filter (a person asked for it). The issue's run is returned when it exists already.
 */
export async function createRunFromIssue(
  ctx: OrchestratorContext,
  projectId: number,
  input: RunFromIssueInput,
  options: CallOptions = {},
): Promise<IssueRunResult> {
  if (typeof input?.issue !== 'string' && typeof input?.issue !== 'number')
    throw issueInputError('must be an issue URL or an issue number');
  const project = await getProject(ctx.deps.storage, projectId);
  const ref = resolveIssueRef(project, input.issue);
  let issue;
  try {
    issue = await ctx.deps.git.getIssue({ ...ref, token: projectForgeToken(project) });
  } catch (error) {
    if (error instanceof GitError && (error.code === 'forge_not_found' || error.code === 'forge_not_an_issue')) {
      throw new NotFoundError(`Issue ${ref.repository}#${ref.number} not found`, {
        code: 'issue_not_found',
        details: { provider: ref.provider, repository: ref.repository, number: ref.number },
      });
    }
    throw error;
  }
  const settings = await settingsOf(ctx.deps.storage, project.id);
  const facts: IssueFacts = { ...issue, number: ref.number, repository: ref.repository };
  return openIssueRun(ctx, project, facts, settings, null, { requestId: options.requestId });
}
