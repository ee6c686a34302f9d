import type { Config } from '@tasksgodzilla/core';
import { createDefaultEngines, createEngineRegistry, type EngineRegistry } from '@tasksgodzilla/platform-engines';
import {
  createGitService,
  gitServiceDepsFromConfig,
  type GitLogger,
  type GitService,
} from '@tasksgodzilla/platform-git';
import { exponentialBackoff } from '@tasksgodzilla/platform-queue';
import { configSecretValues, createWebhookSender, type Logger } from '@tasksgodzilla/platform-telemetry';
import { createDecompositionService } from '@tasksgodzilla/services-decomposition';
import { createExecutionService } from '@tasksgodzilla/services-execution';
import { createOnboardingService } from '@tasksgodzilla/services-onboarding';
import { createOrchestratorService, createReadModels } from '@tasksgodzilla/services-orchestrator';
import { createPromptService } from '@tasksgodzilla/services-prompts';
import { createQualityService } from '@tasksgodzilla/services-quality';
import { createSpecService } from '@tasksgodzilla/services-spec';
import { redactedShowCommit } from './commit-redaction.js';
import { createDeadAttemptReaper } from './dead-attempts.js';
import { projectGitCredentials } from './git-credentials.js';
import type { RuntimeParts, WorkerHooks } from './runtime-core.js';
import type { RuntimeOverrides, RuntimeServices } from './runtime.types.js';

/** Cap of the backoff between two attempts of an outgoing webhook delivery. */
const NOTIFY_BACKOFF_CAP_MS = 3_600_000;

/** The services of one runtime and what its worker runners take from them. */
export interface ComposedServices {
  readonly engines: EngineRegistry;
  /** The services' GitService, `showCommit` redacting secret values. */
  readonly git: GitService;
  readonly services: RuntimeServices;
  readonly worker: WorkerHooks;
}

function gitLogger(logger: Logger): GitLogger {
  return {
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
  };
}

/**
 * Engines, git and every service wired once over a runtime's parts. Its own module: the worker's
 * runtime loads it (and the engines, git, prompts and services it imports) on its first job only.
 */
export function composeServices(
  config: Readonly<Config>,
  overrides: RuntimeOverrides,
  parts: RuntimeParts,
): ComposedServices {
  const { clock, logger, storage, telemetry, queue } = parts;
  const engines = createEngineRegistry(overrides.engines ?? createDefaultEngines(config), {
    defaultEngineId: config.defaultEngine,
  });
  const git = createGitService({
    ...gitServiceDepsFromConfig(config),
    logger: gitLogger(logger.child({ component: 'git' })),
    credentials: projectGitCredentials(storage.projects),
    ...(overrides.gitEnv ? { env: overrides.gitEnv } : {}),
  });
  // The config's own secrets (and each project's) are redacted from every engine run's log and
  // outputs (planning, decomposition, execution, QA) and from commit patches (the step diff).
  const redactValues = configSecretValues(config);
  const exposedGit: GitService = {
    ...git,
    showCommit: redactedShowCommit({ git, projects: storage.projects, redactValues }),
  };
  const prompts = createPromptService();
  const spec = createSpecService({ clock, defaultEngine: config.defaultEngine, knownEngines: engines.ids() });
  const execution = createExecutionService({ engines, git, prompts, telemetry, config, redactValues });
  const quality = createQualityService({ engines, git, prompts, telemetry, config, redactValues });
  const decomposition = createDecompositionService({ engines, prompts, telemetry, config, redactValues });
  const onboarding = createOnboardingService({ projects: storage.projects, git, engines, prompts, telemetry, config });
  const orchestrator = createOrchestratorService({
    storage,
    queue,
    telemetry,
    engines,
    git,
    spec,
    prompts,
    execution,
    quality,
    decomposition,
    onboarding,
    config,
    redactValues,
    clock,
    notifications: {
      sender: createWebhookSender({ timeoutMs: config.notifyTimeoutMs }),
      maxAttempts: config.notifyMaxAttempts,
      backoff: exponentialBackoff({ baseMs: config.notifyBackoffMs, capMs: NOTIFY_BACKOFF_CAP_MS }),
    },
  });
  const reapDeadAttempt = createDeadAttemptReaper({
    storage,
    git,
    logger: logger.child({ component: 'worker' }),
    clock,
  });
  const reads = createReadModels({ storage, spec, onboarding });
  return {
    engines,
    git: exposedGit,
    services: { orchestrator, reads, onboarding, spec, prompts, execution, quality, decomposition },
    worker: {
      handlers: () => orchestrator.jobHandlers(),
      onJobFailed: (job, error) => orchestrator.onJobFailed(job, error),
      onJobEnded: (job) => orchestrator.onJobEnded(job),
      reapDeadAttempt,
    },
  };
}
