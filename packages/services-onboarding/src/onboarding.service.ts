import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import {
  errorMessage,
  isAppError,
  type Event,
  type EventType,
  type JsonObject,
  type JsonValue,
  type Project,
  type ProtocolRun,
} from '@tasksgodzilla/core';
import { redactCredentials, type RepoLocator } from '@tasksgodzilla/platform-git';
import { buildClarifications } from './onboarding.clarifications.js';
import { runDiscovery, runStandaloneDiscovery, type DiscoveryReport } from './onboarding.discovery.js';
import { summarizeOnboarding } from './onboarding.summary.js';
import type {
  Clarification,
  OnboardingService,
  OnboardingServiceDeps,
  OnboardingStageKey,
  ProjectSetupInput,
  ProjectSetupResult,
} from './onboarding.types.js';
import { seedProtocolWorktree } from './onboarding.seed.js';
import { ensureStarterAssets } from './starter-assets.js';

/** Clarification values are plain data; this drops `undefined` so they fit event metadata. */
function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}

function samePath(a: string, b: string): boolean {
  return resolve(a) === resolve(b);
}

/**
 * The git URL as origin: a relative path to an existing local repository is made absolute (origin
 * is read from inside the checkout, not from the process's working directory); URLs stay as they are.
 */
function originUrlFor(gitUrl: string): string {
  return !isAbsolute(gitUrl) && !gitUrl.includes('://') && existsSync(gitUrl) ? resolve(gitUrl) : gitUrl;
}

/**
 * OnboardingService (reference §7): the `project_setup_job` body, the clarification list and the
 * api's stage summary. It never changes the setup run's status itself: it returns the status the
 * orchestrator should set, and writes the `setup_*` events and the project's `local_path`.
 */
export function createOnboardingService(deps: OnboardingServiceDeps): OnboardingService {
  const { config, git, telemetry } = deps;

  function clarifications(project: Project): Clarification[] {
    return buildClarifications(project, config);
  }

  async function runProjectSetup(input: ProjectSetupInput): Promise<ProjectSetupResult> {
    const { run, signal } = input;
    let project = input.project;
    let stage: OnboardingStageKey = 'resolve';
    let localPath: string | null = project.local_path;
    const details: JsonObject = {};
    const questions: Clarification[] = [];

    const record = async (eventType: EventType, message: string, metadata: JsonObject): Promise<void> => {
      await telemetry.recordEvent({
        project_id: project.id,
        protocol_run_id: run.id,
        event_type: eventType,
        message,
        metadata,
        ...(input.jobId === undefined ? {} : { job_id: input.jobId }),
      });
    };
    const checkAbort = () => {
      if (signal?.aborted) throw signal.reason;
    };
    const result = (
      status: ProjectSetupResult['status'],
      extra: Partial<ProjectSetupResult> = {},
    ): ProjectSetupResult => ({
      status,
      local_path: localPath,
      clarifications: questions,
      blocking: false,
      error: null,
      details,
      ...extra,
    });

    try {
      checkAbort();
      // The job may have been queued a while ago: work on the current row.
      project = await deps.projects.get(project.id);
      localPath = project.local_path;
      const gitUrl = redactCredentials(project.git_url);
      await record('setup_started', `Onboarding ${project.name}`, { git_url: gitUrl, local_path: project.local_path });

      // 1. Resolve or clone.
      let repoPath: string;
      try {
        const repo = await git.ensureRepo({
          ...repoLocator(project),
          localPath: project.local_path,
          cloneIfMissing: config.autoClone,
        });
        repoPath = repo.path;
        details['cloned'] = repo.cloned;
        if (repo.cloned)
          await record('setup_cloned', `Cloned ${gitUrl} into ${repoPath}.`, { path: repoPath, git_url: gitUrl });
      } catch (error) {
        checkAbort();
        const target = git.repoPathFor(repoLocator(project));
        if (isAppError(error) && error.code === 'repo_not_present') {
          const hint =
            `Repository not present locally at ${target} and automatic cloning is off (TASKSGODZILLA_AUTO_CLONE=false). ` +
            `Clone ${gitUrl} into ${target}, or set the project's local_path to an existing checkout, or turn automatic cloning on; then restart onboarding.`;
          await record('setup_pending_clone', hint, {
            git_url: gitUrl,
            local_path: target,
            projects_root: config.projectsRoot,
            hint,
          });
          await record('setup_blocked', 'Repository is not available locally; onboarding is blocked.', {
            stage: 'resolve',
            local_path: target,
          });
          details['repo_path'] = target;
          return result('blocked', { error: error.message });
        }
        const message = errorMessage(error);
        await record('setup_clone_failed', `Failed to clone ${gitUrl}: ${message}`, {
          git_url: gitUrl,
          local_path: target,
          error: message,
          code: isAppError(error) ? error.code : null,
          retryable: isAppError(error) ? error.retryable : null,
        });
        return result('blocked', { error: message });
      }
      details['repo_path'] = repoPath;
      if (project.local_path !== repoPath) {
        const previous = project.local_path;
        project = await deps.projects.update(project.id, { local_path: repoPath });
        await record('setup_local_path_recorded', `Recorded local path ${repoPath}.`, {
          local_path: repoPath,
          previous_local_path: previous,
        });
      }
      localPath = repoPath;
      checkAbort();
      // A stage that failed without stopping the setup.
      const warn = (failed: OnboardingStageKey, message: string, error: string) =>
        record('setup_warning', message, { stage: failed, path: repoPath, error });

      // 2. Starter assets, before discovery so the agent adapts the copied CI scripts.
      stage = 'assets';
      try {
        const assets = await ensureStarterAssets(repoPath, { assetsDir: deps.assetsDir });
        details['assets'] = { copied: assets.copied, skipped: assets.skipped };
        await record(
          'setup_assets',
          `Starter assets: ${assets.copied.length} copied, ${assets.skipped.length} already present.`,
          {
            path: repoPath,
            copied: assets.copied,
            skipped: assets.skipped,
            rejected: assets.rejected.map((entry) => ({ ...entry })),
          },
        );
      } catch (error) {
        const message = errorMessage(error);
        await warn('assets', `Skipped asset provisioning: ${message}`, message);
      }
      checkAbort();

      // 3. Discovery through the engine registry.
      stage = 'discovery';
      const discovery: DiscoveryReport = await runDiscovery(deps, {
        project,
        repoPath,
        logPath: input.logPath,
        signal,
        record,
      });
      details['discovery'] = { ...discovery };
      checkAbort();

      // 4. Git origin and identity.
      stage = 'git';
      try {
        const originUrl = originUrlFor(project.git_url);
        if (existsSync(originUrl) && samePath(originUrl, repoPath)) {
          // The project's URL is this very checkout (`tgz init`): an origin pointing at itself is
          // meaningless, and the checkout's own origin (if any) is the user's, left as it is.
          const own = await git.getOriginUrl(repoPath);
          const shown = own === null ? null : redactCredentials(own);
          await record(
            'setup_git_remote',
            own === null
              ? 'No git origin: the repository is its own source.'
              : `The repository is its own source; its origin ${shown} is kept.`,
            { path: repoPath, origin: shown, changed: false },
          );
          details['origin'] = shown;
        } else {
          const origin = await git.ensureOrigin({ repoPath, gitUrl: originUrl, preferSsh: config.ghSsh });
          details['origin'] = redactCredentials(origin.url);
          await record('setup_git_remote', `Configured git origin (ssh=${config.ghSsh}).`, {
            path: repoPath,
            origin: redactCredentials(origin.url),
            changed: origin.changed,
          });
        }
      } catch (error) {
        const message = errorMessage(error);
        await warn('git', `Git origin not configured: ${message}`, message);
      }
      if (config.gitUser && config.gitEmail) {
        try {
          const identity = await git.configureIdentity(repoPath, { name: config.gitUser, email: config.gitEmail });
          if (identity) {
            details['identity'] = { user: identity.name, email: identity.email };
            await record('setup_git_identity', `Configured git identity ${identity.name} <${identity.email}>.`, {
              path: repoPath,
              user: identity.name,
              email: identity.email,
            });
          }
        } catch (error) {
          const message = errorMessage(error);
          await warn('git', `Git identity not configured: ${message}`, message);
        }
      } else if (config.gitUser || config.gitEmail) {
        const missing = config.gitUser ? 'TASKSGODZILLA_GIT_EMAIL' : 'TASKSGODZILLA_GIT_USER';
        await warn(
          'git',
          `Git identity not configured: ${missing} is not set (both the user and the email are needed).`,
          `${missing} missing`,
        );
      }
      checkAbort();

      // 5. Clarifications.
      stage = 'clarifications';
      questions.push(...clarifications(project));
      const blocking = config.requireOnboardingClarifications;
      await record('setup_clarifications', 'Review onboarding clarifications and confirm settings.', {
        questions: toJson(questions),
        blocking,
      });
      if (blocking) {
        await record('setup_blocked', 'Awaiting onboarding clarification responses.', {
          stage: 'clarifications',
          questions: questions.map((question) => question.key),
        });
        return result('blocked', { blocking: true });
      }
      await record('setup_completed', 'Project setup completed.', { local_path: repoPath });
      return result('completed');
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const message = errorMessage(error);
      try {
        await record('setup_failed', `Project setup failed: ${message}`, { stage, error: message });
      } catch {
        // Not even the failure can be recorded (storage down): let the job runner retry.
        throw error;
      }
      return result('failed', { error: message });
    }
  }

  function summarize(project: Project, run: ProtocolRun | null, events: Event[]) {
    return summarizeOnboarding({
      project,
      run,
      events,
      defaultWorkspacePath: git.repoPathFor(repoLocator(project)),
    });
  }

  return {
    runProjectSetup,
    runDiscovery: (input) => runStandaloneDiscovery(deps, input),
    clarifications,
    summarize,
    seedWorktree: (input) =>
      seedProtocolWorktree({ git, ...(deps.assetsDir ? { assetsDir: deps.assetsDir } : {}) }, input),
  };
}

/** Where the git service finds a project's checkout. */
function repoLocator(project: Project): RepoLocator {
  return { projectId: project.id, gitUrl: project.git_url, projectName: project.name };
}
